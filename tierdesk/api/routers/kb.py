"""Knowledge base: search standard solutions (Russian and English word forms) and read them.
Customers see published public articles; agents also internal ones."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tierdesk.api.auth import API_AUTH, principal
from tierdesk.api.pagination import keyset_page
from tierdesk.api.schemas import READ_ERRORS, WRITE_ERRORS, Input, Ref, page
from tierdesk.categories.models import Category
from tierdesk.core.errors import NotFound
from tierdesk.kb import selectors, services
from tierdesk.kb.models import Article

router = Router(tags=["knowledge base"], auth=API_AUTH)


class ArticleOut(Schema):
    id: int
    title: str
    symptoms: str
    cause: str
    resolution: str
    language: str
    visibility: str
    categories: list[Ref]
    products: str
    versions: str
    url: str
    offered_count: int
    resolved_count: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_categories(obj: Article) -> list[dict[str, Any]]:
        return [{"id": c.pk, "name": c.name} for c in obj.categories.all()]

    @staticmethod
    def resolve_url(obj: Article) -> str:
        return f"/kb/{obj.id}/"


class ArticlePage(Schema):
    items: list[ArticleOut]
    next_cursor: str | None


def _with_categories(qs: Any) -> Any:
    return qs.prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("name")))


@router.get("/kb/search", response={200: ArticlePage, **READ_ERRORS}, summary="Search the KB")
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=300, description="Words of the problem."),
    language: Literal["ru", "en"] | None = None,
    category_id: int | None = None,
    limit: int = Query(10, ge=1, le=50),
) -> dict[str, Any]:
    """Best matches first (every word, then some words), as the portal suggests them."""
    p = principal(request)
    found = selectors.search_articles(
        q,
        language=language,
        include_internal=p.is_agent,
        category=category_id,
        limit=limit,
    )
    ids = [a.pk for a in found]
    by_id = _with_categories(Article.objects.filter(pk__in=ids)).in_bulk(ids)
    return page([by_id[i] for i in ids if i in by_id], None)


@router.get("/kb/articles", response={200: ArticlePage, **READ_ERRORS}, summary="KB articles")
def list_articles(
    request: HttpRequest,
    language: Literal["ru", "en"] | None = None,
    category_id: int | None = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(25, ge=1, le=100),
) -> dict[str, Any]:
    p = principal(request)
    qs = selectors.list_articles(
        include_internal=p.is_agent, language=language, category=category_id
    )
    rows, next_cursor = keyset_page(qs, order="-updated_at", cursor=cursor, limit=limit)
    return page(rows, next_cursor)


@router.get("/kb/articles/{article_id}", response={200: ArticleOut, **READ_ERRORS})
def get_article(request: HttpRequest, article_id: int) -> Article:
    p = principal(request)
    found = _with_categories(
        selectors.visible_articles(include_internal=p.is_agent).filter(pk=article_id)
    ).first()
    if found is None:
        raise NotFound(f"No article {article_id}.")
    return found  # type: ignore[no-any-return]


class DeflectionIn(Input):
    query: str = Field("", max_length=500, description="What the customer searched for.")
    category_id: int | None = None


class DeflectionOut(Schema):
    id: int
    article_id: int
    created_at: dt.datetime


@router.post(
    "/kb/articles/{article_id}/solved",
    response={201: DeflectionOut, **WRITE_ERRORS},
    summary="This solved my problem",
)
def record_deflection(request: HttpRequest, article_id: int, payload: DeflectionIn) -> Any:
    """The customer solved his problem with a public article: counted as a deflected request,
    no ticket is created."""
    from ninja import Status

    p = principal(request)
    article = selectors.visible_articles(include_internal=False).filter(pk=article_id).first()
    if article is None:
        raise NotFound(f"No article {article_id}.")
    category = (
        Category.objects.filter(pk=payload.category_id, is_active=True).first()
        if payload.category_id is not None
        else None
    )
    deflection = services.record_deflection(
        article=article,
        contact=p.contact if not p.is_agent else None,
        category=category,
        query=payload.query,
        channel="api",
    )
    return Status(201, deflection)
