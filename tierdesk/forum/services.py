"""Writes of the forum: topics, answers, the accepted answer, promotion to the knowledge base,
and moderation (agents hide posts or mark them as spam)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.forum.models import Post, State, Topic
from tierdesk.kb import services as kb_services
from tierdesk.kb.models import Article, Visibility
from tierdesk.tickets import permissions

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.categories.models import Category


def can_post(user: User | None) -> bool:
    """Agents, and customers whose login belongs to a contact."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if permissions.is_agent(user):
        return True
    return bool(getattr(user, "is_customer", False) and hasattr(user, "contact"))


def is_moderator(user: User | None) -> bool:
    return permissions.is_agent(user)


def _require_poster(user: User | None) -> User:
    if not can_post(user):
        raise NotPermitted(_("Sign in to post in the community."))
    assert user is not None
    return user


def _text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > limit:
        raise InvalidInput(_("Keep it under %(n)d characters.") % {"n": limit}, field=field)
    return value


@transaction.atomic
def create_topic(
    *,
    author: User,
    title: str,
    body: str,
    category: Category | None = None,
    language: str = "ru",
) -> Topic:
    _require_poster(author)
    now = clock.now()
    return Topic.objects.create(
        title=" ".join(_text(title, field="title", limit=200).split()),
        body=_text(body, field="body", limit=20_000),
        author=author,
        category=category,
        language=language if language in ("ru", "en") else "ru",
        created_at=now,
        last_activity_at=now,
    )


@transaction.atomic
def add_answer(*, topic: Topic, author: User, body: str) -> Post:
    _require_poster(author)
    fresh = Topic.objects.select_for_update().get(pk=topic.pk)
    if fresh.state != State.VISIBLE:
        raise InvalidTransition(_("This topic is closed for answers."))
    now = clock.now()
    post = Post.objects.create(
        topic=fresh, author=author, body=_text(body, field="body", limit=20_000), created_at=now
    )
    Topic.objects.filter(pk=fresh.pk).update(
        answer_count=F("answer_count") + 1, last_activity_at=now
    )
    return post


@transaction.atomic
def accept_answer(*, post: Post, actor: User) -> Topic:
    """The topic's author (or an agent) marks the answer that solved it; again to undo."""
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    if not (is_moderator(actor) or (actor.is_authenticated and topic.author_id == actor.pk)):
        raise NotPermitted(_("Only the author of the question or an agent can accept an answer."))
    if post.state != State.VISIBLE:
        raise InvalidInput(_("A hidden answer cannot be accepted."))
    topic.accepted_post = None if topic.accepted_post_id == post.pk else post
    topic.save(update_fields=["accepted_post"])
    return topic


@transaction.atomic
def promote_answer(*, post: Post, actor: User) -> Article:
    """Turn an answer into a draft knowledge-base article (question as symptoms, the answer
    as resolution); the agent reviews and publishes it."""
    if not is_moderator(actor):
        raise NotPermitted(_("Only agents may add articles to the knowledge base."))
    if post.promoted_article_id:
        existing = Article.objects.filter(pk=post.promoted_article_id).first()
        if existing is not None:
            return existing
    topic = post.topic
    article = kb_services.create_article(
        actor=actor,
        title=topic.title,
        symptoms=topic.body,
        resolution=post.body,
        language=topic.language,
        visibility=Visibility.PUBLIC,
        categories=[topic.category] if topic.category_id and topic.category else [],
        is_published=False,
    )
    Post.objects.filter(pk=post.pk).update(promoted_article=article)
    post.promoted_article = article
    return article


def _recount(topic_id: int) -> None:
    Topic.objects.filter(pk=topic_id).update(
        answer_count=Post.objects.filter(topic_id=topic_id, state=State.VISIBLE).count()
    )


@transaction.atomic
def moderate_post(*, post: Post, actor: User, state: str) -> Post:
    if not is_moderator(actor):
        raise NotPermitted(_("Only agents moderate the community."))
    if state not in State.values:
        raise InvalidInput(f"Unknown state {state!r}.", field="state")
    post.state = state
    post.moderated_by = actor
    post.moderated_at = clock.now()
    post.save(update_fields=["state", "moderated_by", "moderated_at"])
    if state != State.VISIBLE:
        Topic.objects.filter(pk=post.topic_id, accepted_post_id=post.pk).update(accepted_post=None)
    _recount(post.topic_id)
    return post


@transaction.atomic
def moderate_topic(*, topic: Topic, actor: User, state: str) -> Topic:
    if not is_moderator(actor):
        raise NotPermitted(_("Only agents moderate the community."))
    if state not in State.values:
        raise InvalidInput(f"Unknown state {state!r}.", field="state")
    topic.state = state
    topic.moderated_by = actor
    topic.moderated_at = clock.now()
    topic.save(update_fields=["state", "moderated_by", "moderated_at"])
    return topic
