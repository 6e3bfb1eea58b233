"""Mail and in-app messages about quotes. Called by jobs; idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tierdesk.billing.models import Quote, QuoteStatus
from tierdesk.billing.selectors import quote_link_token
from tierdesk.core.events import subscribe
from tierdesk.notifications.services import notify_users


def quote_url(quote: Quote) -> str:
    path = reverse("billing:quote_link", kwargs={"token": quote_link_token(quote)})
    return f"{settings.SITE_URL}{path}"


def send_quote(*, quote_id: int) -> str:
    from tierdesk.mail.outbound import queue_mail, ticket_subject

    quote = Quote.objects.select_related("ticket", "tier", "sent_to").filter(pk=quote_id).first()
    if quote is None or quote.status != QuoteStatus.PENDING:
        return "not pending"
    contact = quote.sent_to
    if contact is None or not contact.email:
        return "no address"
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        text = _(
            "Hello,\n\nWork on your request %(number)s needs the %(tier)s support tier, which "
            "your contract does not cover. Our estimate: %(hours)s h × %(rate)s %(currency)s = "
            "%(amount)s %(currency)s.\n\n%(note)s\n\nApprove or decline it here (valid until "
            "%(until)s):\n%(url)s\n"
        ) % {
            "number": quote.ticket.number,
            "tier": quote.tier.display_name(contact.language),
            "hours": quote.estimated_hours,
            "rate": quote.billing_rate,
            "currency": quote.currency,
            "amount": quote.amount,
            "note": quote.note,
            "until": quote.expires_at.date().isoformat(),
            "url": quote_url(quote),
        }
        subject = ticket_subject(
            quote.ticket,
            _("Quote for paid work: %(amount)s %(currency)s")
            % {"amount": quote.amount, "currency": quote.currency},
        )
        queue_mail(
            to=[contact.email],
            subject=subject,
            text=text,
            ticket=quote.ticket,
            kind="other",
            related_object=quote,
            dedupe_key=f"quote-{quote.pk}",
        )
    return "queued"


def quote_decided(*, quote_id: int) -> str:
    quote = (
        Quote.objects.select_related("ticket__assignee", "created_by").filter(pk=quote_id).first()
    )
    if quote is None or quote.status not in (QuoteStatus.APPROVED, QuoteStatus.DECLINED):
        return "undecided"
    users = [u for u in (quote.created_by, quote.ticket.assignee) if u is not None]
    values = {"number": quote.ticket.number, "amount": quote.amount, "currency": quote.currency}
    if quote.status == QuoteStatus.APPROVED:
        text = _("%(number)s: the customer approved the quote of %(amount)s %(currency)s") % values
    else:
        text = _("%(number)s: the customer declined the quote of %(amount)s %(currency)s") % values
    notify_users(users=users, kind=f"quote_{quote.status}", text=text, ticket=quote.ticket)
    return "notified"


def on_quote_created(*, event: str, quote_id: int, **_: Any) -> None:
    from tierdesk.billing.tasks import send_quote as job

    job.enqueue(quote_id=quote_id)


def on_quote_decided(*, event: str, quote_id: int, **_: Any) -> None:
    from tierdesk.billing.tasks import quote_decided as job

    job.enqueue(quote_id=quote_id)


def connect() -> None:
    subscribe("billing.quote_created", on_quote_created)
    subscribe("billing.quote_decided", on_quote_decided)
