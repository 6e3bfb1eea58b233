"""Reads of the forum: what a reader may see (hidden and spam posts only for agents)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tierdesk.forum.models import Post, State, Topic


def topic_list(
    *, moderator: bool = False, query: str = "", filter_: str = "", category: int | None = None
) -> QuerySet[Topic]:
    qs = Topic.objects.all()
    if not moderator:
        qs = qs.filter(state=State.VISIBLE)
    query = " ".join(query.replace("\x00", "").split())[:200]
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(body__icontains=query))
    if filter_ == "unanswered":
        qs = qs.filter(answer_count=0)
    elif filter_ == "solved":
        qs = qs.filter(accepted_post__isnull=False)
    elif filter_ == "moderated" and moderator:
        qs = qs.exclude(state=State.VISIBLE)
    if category:
        qs = qs.filter(category_id=category)
    return qs.select_related("author", "category").order_by("-last_activity_at", "-pk")


def topic_for(pk: int, *, moderator: bool = False) -> Topic | None:
    qs = Topic.objects.select_related("author", "category", "accepted_post")
    if not moderator:
        qs = qs.filter(state=State.VISIBLE)
    return qs.filter(pk=pk).first()


def posts_for(topic: Topic, *, moderator: bool = False) -> list[Post]:
    qs = topic.posts.select_related("author", "promoted_article")
    if not moderator:
        qs = qs.filter(state=State.VISIBLE)
    return list(qs.order_by("created_at", "pk"))


def post_for(pk: int, *, moderator: bool = False) -> Post | None:
    qs = Post.objects.select_related("topic", "author")
    if not moderator:
        qs = qs.filter(state=State.VISIBLE, topic__state=State.VISIBLE)
    return qs.filter(pk=pk).first()


def filters(params: Any) -> dict[str, Any]:
    raw = str(params.get("category") or "")
    return {
        "query": str(params.get("q") or ""),
        "filter_": str(params.get("show") or ""),
        "category": int(raw) if raw.isdigit() else None,
    }
