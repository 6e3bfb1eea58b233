"""Community forum pages: read without signing in; customers and agents ask and answer;
agents accept answers, promote them to the knowledge base and moderate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierdesk.categories.models import Category
from tierdesk.core import ratelimit
from tierdesk.core.errors import DomainError
from tierdesk.forum import selectors, services
from tierdesk.forum.forms import AnswerForm, TopicForm
from tierdesk.forum.models import State

LOGIN_URL = "/portal/login/"
PAGE_SIZE = 20


def _moderator(request: HttpRequest) -> bool:
    return services.is_moderator(request.user)  # type: ignore[arg-type]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    moderator = _moderator(request)
    params = selectors.filters(request.GET)
    qs = selectors.topic_list(moderator=moderator, **params)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/index.html",
        {
            "page": page,
            "topics": page.object_list,
            "params": params,
            "moderator": moderator,
            "can_post": services.can_post(request.user),  # type: ignore[arg-type]
            "categories": sorted(
                Category.objects.filter(is_active=True),
                key=lambda c: c.display_name(translation.get_language() or "ru").lower(),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@ratelimit.ratelimit("forum.topic", limit=10, period=3600, key="user_or_ip")
def new_topic(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    if not services.can_post(request.user):  # type: ignore[arg-type]
        raise Http404
    form = TopicForm(request.POST or None, initial={"language": translation.get_language() or "ru"})
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.create_topic(
                author=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data["category"],
                language=form.cleaned_data["language"],
            )
        except DomainError as exc:
            form.add_error(exc.details.get("field"), exc.message)
        else:
            return HttpResponseRedirect(f"/forum/{topic.pk}/")
    return render(request, "forum/new_topic.html", {"form": form})


@require_GET
def topic(request: HttpRequest, pk: int) -> HttpResponse:
    moderator = _moderator(request)
    found = selectors.topic_for(pk, moderator=moderator)
    if found is None:
        raise Http404
    return render(
        request,
        "forum/topic.html",
        {
            "topic": found,
            "posts": selectors.posts_for(found, moderator=moderator),
            "form": AnswerForm(),
            "moderator": moderator,
            "can_post": services.can_post(request.user),  # type: ignore[arg-type]
            "can_accept": moderator
            or (request.user.is_authenticated and found.author_id == request.user.pk),
        },
    )


@require_POST
@ratelimit.ratelimit("forum.answer", limit=30, period=3600, key="user_or_ip")
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(f"/forum/{pk}/", LOGIN_URL)
    found = selectors.topic_for(pk, moderator=_moderator(request))
    if found is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.add_answer(
                topic=found,
                author=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you for your answer!"))
    else:
        messages.error(request, _("Write an answer first."))
    return HttpResponseRedirect(f"/forum/{found.pk}/")


def _post_or_404(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    post = selectors.post_for(pk, moderator=_moderator(request))
    if post is None:
        raise Http404
    return post


@require_POST
@ratelimit.ratelimit("forum.action", limit=60, period=3600, key="user_or_ip")
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    post = _post_or_404(request, pk)
    try:
        services.accept_answer(post=post, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(f"/forum/{post.topic_id}/#post-{post.pk}")


def _moderator_or_404(request: HttpRequest) -> None:
    # Moderation URLs do not exist for anyone else (no hint that they are there).
    if not _moderator(request):
        raise Http404


@require_POST
def promote(request: HttpRequest, pk: int) -> HttpResponse:
    _moderator_or_404(request)
    post = _post_or_404(request, pk)
    try:
        article = services.promote_answer(post=post, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(f"/forum/{post.topic_id}/")
    messages.success(request, _("Draft article created from the answer: review and publish it."))
    return HttpResponseRedirect(f"/kb/{article.pk}/edit/")


@require_POST
def moderate_post(request: HttpRequest, pk: int) -> HttpResponse:
    _moderator_or_404(request)
    post = _post_or_404(request, pk)
    state = request.POST.get("state", "")
    try:
        services.moderate_post(post=post, actor=request.user, state=state)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(f"/forum/{post.topic_id}/#post-{post.pk}")


@require_POST
def moderate_topic(request: HttpRequest, pk: int) -> HttpResponse:
    _moderator_or_404(request)
    found = selectors.topic_for(pk, moderator=True)
    if found is None:
        raise Http404
    state = request.POST.get("state", "")
    try:
        services.moderate_topic(topic=found, actor=request.user, state=state)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    if state != State.VISIBLE:
        messages.info(request, _("The topic is hidden from customers."))
    return HttpResponseRedirect(f"/forum/{found.pk}/")
