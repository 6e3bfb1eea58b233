"""What customers are told by e-mail, and in which words: acknowledgement, agent's reply,
status change, resolution. Texts are Django templates per language
(``templates/notifications/email/<ru|en>/<kind>.{subject,txt,html}``), chosen by the
contact's language (else the ticket's). Only public content ever goes into these mails: a
reply mail carries the one public reply it is about, never notes or other entries.

This module composes; the e-mail channel (``tierdesk.mail.notify``) decides when, and sends.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tierdesk.tickets.lifecycle import RESOLUTION_CODES
from tierdesk.tickets.models import EntryKind, Status

if TYPE_CHECKING:
    from tierdesk.customers.models import Contact
    from tierdesk.tickets.models import Entry, Ticket

LANGUAGES = ("ru", "en")

STATUS_LABELS: dict[str, dict[str, str]] = {
    "ru": {
        Status.NEW: "новая",
        Status.OPEN: "в работе",
        Status.PENDING_CUSTOMER: "ожидает вашего ответа",
        Status.PENDING_VENDOR: "ожидает ответа производителя",
        Status.RESOLVED: "решена",
        Status.CLOSED: "закрыта",
        Status.REOPENED: "открыта повторно",
        Status.MERGED: "объединена с другой заявкой",
        Status.SPAM: "спам",
    },
    "en": {
        Status.NEW: "new",
        Status.OPEN: "in progress",
        Status.PENDING_CUSTOMER: "waiting for your reply",
        Status.PENDING_VENDOR: "waiting for the vendor",
        Status.RESOLVED: "resolved",
        Status.CLOSED: "closed",
        Status.REOPENED: "reopened",
        Status.MERGED: "merged into another request",
        Status.SPAM: "spam",
    },
}
RESOLUTION_LABELS_RU = {
    "solved": "Решено",
    "kb_solution": "Решено стандартным решением",
    "workaround": "Предложено обходное решение",
    "vendor_fix": "Исправлено производителем",
    "no_fault": "Неисправность не обнаружена",
    "duplicate": "Дубликат",
    "cancelled": "Отменено по просьбе клиента",
    "not_reproducible": "Не воспроизводится",
}


@dataclasses.dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str
    language: str


def language_for(ticket: Ticket, contact: Contact | None = None) -> str:
    for lang in (getattr(contact, "language", ""), ticket.language):
        if lang in LANGUAGES:
            return lang
    return "ru"


def _url(name: str, fallback: str, **kwargs: Any) -> str:
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = fallback
    return f"{settings.SITE_URL}{path}"


def ticket_url(ticket: Ticket) -> str:
    return _url("portal:ticket", f"/portal/tickets/{ticket.number}/", number=ticket.number)


def rate_url(ticket: Ticket) -> str:
    return _url("portal:rate", f"/portal/tickets/{ticket.number}/rate/", number=ticket.number)


def _render(kind: str, lang: str, context: dict[str, Any]) -> Composed:
    base = f"notifications/email/{lang}/{kind}"
    with translation.override(lang):
        subject = " ".join(render_to_string(f"{base}.subject", context).split())
        text = render_to_string(f"{base}.txt", context).strip() + "\n"
        html = render_to_string(f"{base}.html", context).strip()
    return Composed(subject=subject, text=text, html=html, language=lang)


def _context(ticket: Ticket, contact: Contact | None, lang: str) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "contact": contact,
        "name": (contact.name if contact and contact.name else ""),
        "ticket_url": ticket_url(ticket),
        "status_label": STATUS_LABELS[lang].get(ticket.status, ticket.status),
        "site_url": settings.SITE_URL,
    }


def acknowledgement(*, ticket: Ticket, contact: Contact | None) -> Composed:
    lang = language_for(ticket, contact)
    return _render("acknowledgement", lang, _context(ticket, contact, lang))


def reply(*, ticket: Ticket, entry: Entry, contact: Contact | None) -> Composed:
    """The mail for one public reply. Refuses anything that is not a public reply."""
    if entry.kind != EntryKind.PUBLIC_REPLY or not entry.is_public:
        raise ValueError("Only public replies are e-mailed to customers.")
    lang = language_for(ticket, contact)
    agent = entry.author_user
    context = _context(ticket, contact, lang) | {
        "body": entry.body_text,
        "body_html": entry.body_html,
        "agent": (agent.get_full_name() or agent.username) if agent else "",
    }
    return _render("reply", lang, context)


def status_change(*, ticket: Ticket, contact: Contact | None, old: str, new: str) -> Composed:
    lang = language_for(ticket, contact)
    context = _context(ticket, contact, lang) | {
        "old_label": STATUS_LABELS[lang].get(old, old),
        "new_label": STATUS_LABELS[lang].get(new, new),
        "new": new,
    }
    return _render("status", lang, context)


def resolution(*, ticket: Ticket, contact: Contact | None) -> Composed:
    lang = language_for(ticket, contact)
    code = ticket.resolution_code
    label = (
        RESOLUTION_LABELS_RU.get(code, code) if lang == "ru" else RESOLUTION_CODES.get(code, code)
    )
    context = _context(ticket, contact, lang) | {
        "resolution_label": label,
        "rate_url": rate_url(ticket),
        "auto_close_days": settings.TIERDESK.get("AUTO_CLOSE_DAYS", 7),
    }
    return _render("resolution", lang, context)
