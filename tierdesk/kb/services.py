"""Writes of the knowledge base: articles, their counters and deflected requests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tierdesk.core import clock
from tierdesk.core.errors import InvalidInput, InvalidTransition, NotPermitted
from tierdesk.kb.models import LANGUAGES, Article, Deflection, Visibility
from tierdesk.tickets import permissions

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.categories.models import Category
    from tierdesk.customers.models import Contact
    from tierdesk.tickets.models import Ticket

EDITABLE = (
    "title",
    "symptoms",
    "cause",
    "resolution",
    "language",
    "visibility",
    "products",
    "versions",
    "is_published",
)


def _require_agent(actor: User | None) -> None:
    if not permissions.is_agent(actor):
        raise NotPermitted(_("Only support agents may edit the knowledge base."))


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "title" in out:
        out["title"] = " ".join(str(out["title"] or "").split())[:300]
        if not out["title"]:
            raise InvalidInput(_("An article needs a title."), field="title")
    if "language" in out and out["language"] not in dict(LANGUAGES):
        raise InvalidInput(_("The language must be ru or en."), field="language")
    if "visibility" in out and out["visibility"] not in Visibility.values:
        raise InvalidInput(_("Visibility must be public or internal."), field="visibility")
    for name in ("symptoms", "cause", "resolution"):
        if name in out:
            out[name] = str(out[name] or "").strip()
    for name, size in (("products", 500), ("versions", 200)):
        if name in out:
            out[name] = str(out[name] or "").strip()[:size]
    return out


@transaction.atomic
def create_article(
    *,
    actor: User | None,
    title: str,
    symptoms: str = "",
    cause: str = "",
    resolution: str = "",
    language: str = "ru",
    visibility: str = Visibility.PUBLIC,
    categories: Iterable[Category] = (),
    products: str = "",
    versions: str = "",
    is_published: bool = True,
    source_ticket: Ticket | None = None,
) -> Article:
    """A new article written by an agent. A published article needs resolution steps."""
    _require_agent(actor)
    fields = _clean(
        {
            "title": title,
            "symptoms": symptoms,
            "cause": cause,
            "resolution": resolution,
            "language": language,
            "visibility": visibility,
            "products": products,
            "versions": versions,
            "is_published": is_published,
        }
    )
    if fields["is_published"] and not fields["resolution"]:
        raise InvalidInput(_("A published article needs resolution steps."), field="resolution")
    article = Article.objects.create(author=actor, source_ticket=source_ticket, **fields)
    article.categories.set(list(categories))
    return article


@transaction.atomic
def update_article(
    *,
    article: Article,
    actor: User | None,
    categories: Iterable[Category] | None = None,
    **changes: Any,
) -> Article:
    """Change an article's text, language, visibility or publication."""
    _require_agent(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown article fields: ") + ", ".join(sorted(unknown)))
    fields = _clean(changes)
    for name, value in fields.items():
        setattr(article, name, value)
    if article.is_published and not article.resolution.strip():
        raise InvalidInput(_("A published article needs resolution steps."), field="resolution")
    article.save()
    if categories is not None:
        article.categories.set(list(categories))
    return article


@transaction.atomic
def create_article_from_ticket(*, ticket: Ticket, actor: User) -> Article:
    """A draft (unpublished, internal) article from a resolved ticket: the subject as title,
    the customer's first message as symptoms, the resolution note and the last public reply as
    resolution steps. The agent reviews it, removes personal data and publishes it."""
    _require_agent(actor)
    from tierdesk.tickets.models import EntryKind, Status

    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise InvalidTransition(
            _("Ticket %(number)s is not resolved; articles are written from solved problems.")
            % {"number": ticket.number}
        )
    first = ticket.entries.filter(kind=EntryKind.CUSTOMER_MESSAGE).order_by("created_at").first()
    last_reply = (
        ticket.entries.filter(kind=EntryKind.PUBLIC_REPLY).order_by("-created_at", "-pk").first()
    )
    symptoms = first.body_text.strip() if first else ""
    error_text = str((ticket.intake_data or {}).get("error_text") or "").strip()
    if error_text and error_text not in symptoms:
        symptoms = f"{symptoms}\n\n{error_text}".strip()
    resolution_parts = [
        ticket.resolution_note.strip(),
        last_reply.body_text.strip() if last_reply else "",
    ]
    article = Article.objects.create(
        title=ticket.subject[:300],
        symptoms=symptoms,
        cause="",
        resolution="\n\n".join(p for p in resolution_parts if p),
        language=ticket.language if ticket.language in dict(LANGUAGES) else "ru",
        visibility=Visibility.INTERNAL,
        products=str(ticket.device.model if ticket.device_id and ticket.device else "")[:500],
        is_published=False,
        author=actor,
        source_ticket=ticket,
    )
    if ticket.category_id:
        article.categories.set([ticket.category_id])
    return article


# ---------------------------------------------------------------- counters


def record_offered(*, articles: Iterable[Article | int]) -> int:
    """The articles were suggested to a customer (or inserted into a reply)."""
    ids = [a if isinstance(a, int) else a.pk for a in articles]
    if not ids:
        return 0
    return Article.objects.filter(pk__in=ids).update(offered_count=F("offered_count") + 1)


def record_opened(*, article: Article) -> None:
    """Someone opened the article's page."""
    Article.objects.filter(pk=article.pk).update(opened_count=F("opened_count") + 1)


@transaction.atomic
def record_deflection(
    *,
    article: Article,
    contact: Contact | None = None,
    category: Category | None = None,
    query: str = "",
    channel: str = "portal",
) -> Deflection:
    """The customer said the article solved his problem: no ticket is created."""
    if not article.is_public:
        raise NotPermitted(_("Only public articles can be offered to customers."))
    Article.objects.filter(pk=article.pk).update(deflected_count=F("deflected_count") + 1)
    return Deflection.objects.create(
        article=article,
        contact=contact,
        category=category,
        query=" ".join((query or "").replace("\x00", "").split())[:500],
        channel=channel.replace("\x00", "")[:16],
        created_at=clock.now(),
    )
