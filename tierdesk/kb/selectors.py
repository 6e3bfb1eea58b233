"""Reads of the knowledge base: search, listings, what a reader may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tierdesk.kb import search, stemming
from tierdesk.kb.models import Article, Visibility

if TYPE_CHECKING:
    from tierdesk.categories.models import Category


def _base(
    *,
    language: str | None = None,
    include_internal: bool = False,
    category: Category | int | None = None,
) -> QuerySet[Article]:
    qs = Article.objects.filter(is_published=True)
    if not include_internal:
        qs = qs.filter(visibility=Visibility.PUBLIC)
    if language:
        qs = qs.filter(language=language)
    if category is not None:
        category_id = category if isinstance(category, int) else category.pk
        qs = qs.filter(
            pk__in=Article.categories.through.objects.filter(category_id=category_id).values(
                "article_id"
            )
        )
    return qs


def search_articles(
    query: str,
    *,
    language: str | None = None,
    include_internal: bool = False,
    category: Category | int | None = None,
    limit: int = 10,
    prefix: bool = False,
) -> list[Article]:
    """Published articles matching ``query`` in Russian or English word forms, best first.

    Articles containing every word come first, then those containing some of them (ranked by
    where the words occur: title, then symptoms, then cause and resolution). Internal articles
    only with ``include_internal`` (agents). ``prefix`` lets the last word match as the start of
    a word, for suggestions while the customer is still typing. Works on SQLite (FTS5 with a
    Snowball stemmer) and PostgreSQL (``russian`` full-text configuration, GIN index)."""
    terms = stemming.query_terms(query)
    if not terms or limit <= 0:
        return []
    base = _base(language=language, include_internal=include_internal, category=category)
    ids = search.ranked_ids(base, terms, mode="AND", prefix=prefix, limit=limit)
    found = dict(Article.objects.prefetch_related("categories").in_bulk(ids))
    result = [found[i] for i in ids if i in found]
    if len(result) < limit and len(terms) > 1:
        more = [
            i
            for i in search.ranked_ids(base, terms, mode="OR", prefix=prefix, limit=limit * 3)
            if i not in found
        ]
        candidates = Article.objects.prefetch_related("categories").in_bulk(more)
        needed = min_matching_terms(len(terms))
        scored = []
        for position, pk in enumerate(more):
            article = candidates.get(pk)
            if article is None:
                continue
            covered = matching_terms(article, terms, prefix=prefix)
            if covered >= needed:
                scored.append((-covered, position, article))
        result += [article for _, _, article in sorted(scored, key=lambda x: x[:2])]
    return result[:limit]


def min_matching_terms(count: int) -> int:
    """How many of the query's words an article must contain to be offered at all: any one
    of up to three words, then about a third of them (a long description that shares only
    "индикатор" with an article is not about that article)."""
    return max(1, min(4, round(count * 0.3)))


def matching_terms(article: Article, terms: list[str], *, prefix: bool = False) -> int:
    """How many query words occur in the article (by stem; the last one as a prefix)."""
    text = " ".join(
        (article.title, article.symptoms, article.cause, article.resolution, article.products)
    )
    stems = set(stemming.stem_text(text).split())
    count = 0
    for index, term in enumerate(terms):
        stem = stemming.stem(term)
        if stem in stems or (
            prefix and index == len(terms) - 1 and any(s.startswith(stem) for s in stems)
        ):
            count += 1
    return count


def visible_articles(*, include_internal: bool = False) -> QuerySet[Article]:
    """What a reader may open: published public articles; agents also internal ones."""
    return _base(include_internal=include_internal)


def list_articles(
    *,
    include_internal: bool = False,
    language: str | None = None,
    category: Category | int | None = None,
) -> QuerySet[Article]:
    """The KB index, most recently updated first, categories prefetched (bounded queries)."""
    return (
        _base(language=language, include_internal=include_internal, category=category)
        .order_by("-updated_at", "-pk")
        .prefetch_related("categories")
    )


def drafts() -> QuerySet[Article]:
    return Article.objects.filter(is_published=False).order_by("-updated_at", "-pk")


def popular_articles(*, include_internal: bool = False, limit: int = 6) -> list[Article]:
    return list(
        _base(include_internal=include_internal)
        .order_by("-resolved_count", "-deflected_count", "-opened_count", "-pk")
        .prefetch_related("categories")[:limit]
    )


def article_reply_text(article: Article, *, language: str | None = None) -> str:
    """The article as the text of a public reply (the agent edits it before sending)."""
    ru = (language or article.language) == "ru"
    parts: list[str] = []
    if article.cause.strip():
        parts.append(("Причина: " if ru else "Cause: ") + article.cause.strip())
    if article.resolution.strip():
        parts.append(("Решение:\n" if ru else "Resolution:\n") + article.resolution.strip())
    if article.is_public:
        parts.append(
            ("Статья базы знаний: " if ru else "Knowledge base article: ")
            + f"{article.title} (/kb/{article.pk}/)"
        )
    return "\n\n".join(parts)


def article_filters(params: Any) -> dict[str, Any]:
    """Clean the KB index's query-string filters (language, category id)."""
    language = params.get("lang") if params.get("lang") in ("ru", "en") else None
    raw = params.get("category") or ""
    category = int(raw) if str(raw).isdigit() else None
    return {"language": language, "category": category}
