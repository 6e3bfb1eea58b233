"""Knowledge-base pages: the public index, search and articles at /kb/ (no login needed;
internal articles and drafts only for agents), "this solved my problem", and the agents'
pages to write articles, including from a resolved ticket."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierdesk.agent.access import staff_required
from tierdesk.categories.models import Category
from tierdesk.core import ratelimit
from tierdesk.core.errors import DomainError
from tierdesk.kb import selectors, services
from tierdesk.kb.forms import ArticleForm
from tierdesk.kb.models import Article, Visibility
from tierdesk.portal.access import contact_of
from tierdesk.tickets.models import Ticket

PAGE_SIZE = 20
SOLVED_SESSION_KEY = "kb_solved"


def _is_agent(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_staff_member", False))


def _categories_with_counts(include_internal: bool) -> list[Category]:
    visible = selectors.visible_articles(include_internal=include_internal)
    found = list(
        Category.objects.filter(is_active=True)
        .annotate(n=Count("articles", filter=Q(articles__in=visible), distinct=True))
        .filter(n__gt=0)
    )
    language = translation.get_language() or "ru"
    return sorted(found, key=lambda c: c.display_name(language).lower())


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    agent = _is_agent(request)
    filters = selectors.article_filters(request.GET)
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:200]
    context: dict[str, Any] = {
        "query": query,
        "language": filters["language"],
        "category_id": filters["category"],
        "categories": _categories_with_counts(agent),
        "is_agent": agent,
    }
    if query:
        results = selectors.search_articles(
            query,
            language=filters["language"],
            include_internal=agent,
            category=filters["category"],
            limit=50,
        )
        context.update(results=results, page=None)
    else:
        qs = selectors.list_articles(
            include_internal=agent, language=filters["language"], category=filters["category"]
        )
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(results=list(page.object_list), page=page)
        if not filters["language"] and not filters["category"] and page.number == 1:
            context["popular"] = selectors.popular_articles(include_internal=agent, limit=6)
    return render(request, "kb/index.html", context)


def _article_or_404(request: HttpRequest, pk: int) -> Article:
    if _is_agent(request):
        article = Article.objects.filter(pk=pk).first()
    else:
        article = selectors.visible_articles().filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_or_404(request, pk)
    agent = _is_agent(request)
    if not agent:
        services.record_opened(article=article)
    related = [
        a
        for a in selectors.search_articles(
            article.title, include_internal=agent, language=article.language, limit=5
        )
        if a.pk != article.pk
    ][:4]
    return render(
        request,
        "kb/detail.html",
        {
            "article": article,
            "categories": list(article.categories.all()),
            "related": related,
            "is_agent": agent,
            "solved": article.pk in request.session.get(SOLVED_SESSION_KEY, []),
            "from_portal": request.GET.get("from") == "portal",
        },
    )


@require_POST
@ratelimit.ratelimit("kb.solved", limit=30, period=3600, key="user_or_ip")
def solved(request: HttpRequest, pk: int) -> HttpResponse:
    """A reader says the article solved his problem (counted once per session)."""
    article = selectors.visible_articles().filter(pk=pk).first()
    if article is None:
        raise Http404
    done = list(request.session.get(SOLVED_SESSION_KEY, []))
    if article.pk not in done:
        services.record_deflection(article=article, contact=contact_of(request.user), channel="kb")
        request.session[SOLVED_SESSION_KEY] = [*done, article.pk][-100:]
    messages.success(request, _("Thank you! We are glad the article helped."))
    return HttpResponseRedirect(f"/kb/{article.pk}/")


# ---------------------------------------------------------------- agents


@require_GET
@staff_required
def manage(request: HttpRequest) -> HttpResponse:
    """All articles with their counters, drafts first (agents)."""
    state = request.GET.get("state", "all")
    qs = Article.objects.all()
    if state == "drafts":
        qs = qs.filter(is_published=False)
    elif state == "internal":
        qs = qs.filter(visibility=Visibility.INTERNAL)
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:200]
    if query:
        ids = [a.pk for a in selectors.search_articles(query, include_internal=True, limit=100)]
        qs = qs.filter(Q(pk__in=ids) | Q(title__icontains=query))
    page = Paginator(
        qs.order_by("is_published", "-updated_at", "-pk").select_related("author"), 25
    ).get_page(request.GET.get("page"))
    return render(request, "kb/manage.html", {"page": page, "state": state, "query": query})


def _categories(form: ArticleForm) -> list[Category]:
    return list(form.cleaned_data.get("categories") or [])


def _fields(form: ArticleForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("categories", None)
    return data


@require_http_methods(["GET", "POST"])
@staff_required
def create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(
        request.POST or None,
        initial={"language": request.LANGUAGE_CODE, "is_published": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(
                actor=request.user,  # type: ignore[arg-type]
                categories=_categories(form),
                **_fields(form),
            )
        except DomainError as exc:
            form.add_error(exc.details.get("field"), exc.message)
        else:
            messages.success(request, _("The article is saved."))
            return HttpResponseRedirect(f"/kb/{article.pk}/")
    return render(request, "kb/edit.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = Article.objects.filter(pk=pk).select_related("source_ticket").first()
    if article is None:
        raise Http404
    initial = {
        "title": article.title,
        "symptoms": article.symptoms,
        "cause": article.cause,
        "resolution": article.resolution,
        "language": article.language,
        "visibility": article.visibility,
        "categories": list(article.categories.all()),
        "products": article.products,
        "versions": article.versions,
        "is_published": article.is_published,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_article(
                article=article,
                actor=request.user,  # type: ignore[arg-type]
                categories=_categories(form),
                **_fields(form),
            )
        except DomainError as exc:
            form.add_error(exc.details.get("field"), exc.message)
        else:
            messages.success(request, _("The article is saved."))
            return HttpResponseRedirect(f"/kb/{article.pk}/")
    return render(request, "kb/edit.html", {"form": form, "article": article})


@require_POST
@staff_required
def from_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """A draft article from a resolved ticket; the agent reviews and publishes it."""
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("device").first()
    if ticket is None:
        raise Http404
    try:
        article = services.create_article_from_ticket(
            ticket=ticket,
            actor=request.user,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        referer = request.META.get("HTTP_REFERER") or ""
        safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        return HttpResponseRedirect(referer if referer and safe else "/kb/manage/")
    messages.success(
        request,
        _("Draft article created from %(number)s: review it, remove personal data, publish.")
        % {"number": ticket.number},
    )
    return HttpResponseRedirect(f"/kb/{article.pk}/edit/")
