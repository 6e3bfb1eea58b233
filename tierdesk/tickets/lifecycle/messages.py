"""Creating tickets and writing the timeline: customer messages, replies, notes, events, CSAT."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F

from tierdesk.categories.intake import clean_intake
from tierdesk.core import clock
from tierdesk.core.errors import (
    InvalidInput,
    InvalidTransition,
    NotPermitted,
)
from tierdesk.core.events import publish_on_commit
from tierdesk.sla.clocks import sync_clocks
from tierdesk.tickets import permissions
from tierdesk.tickets.models import (
    Entry,
    EntryKind,
    Status,
    Ticket,
)
from tierdesk.tiers.models import Team
from tierdesk.tiers.selectors import first_tier

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.categories.models import Category
    from tierdesk.customers.models import Contact
    from tierdesk.devices.models import Device
    from tierdesk.kb.models import Article


from tierdesk.tickets.lifecycle._base import (
    _apply_entitlement,
    _audit,
    _lock,
    _refresh,
    _require_agent,
    _save,
    _set_status,
    _status_change,
    _status_moved,
    _system_entry,
    _touch,
    format_number,
    priority_for,
)

# ---------------------------------------------------------------- creation and messages


@transaction.atomic
def create_ticket(
    *,
    subject: str,
    body: str,
    requester: Contact,
    channel: str,
    actor: User | None = None,
    body_html: str = "",
    category: Category | None = None,
    device: Device | None = None,
    impact: int = 2,
    urgency: int = 2,
    intake_data: Mapping[str, Any] | None = None,
    team: Team | None = None,
    language: str | None = None,
    follow_up_of: Ticket | None = None,
    email_message_id: str = "",
    email_headers: Mapping[str, Any] | None = None,
    entry_data: Mapping[str, Any] | None = None,
) -> Ticket:
    """Open a new ticket with the customer's first message at the category's tier (L1 default)."""
    subject = " ".join((subject or "").split())[:300]
    if not subject:
        raise InvalidInput("A ticket needs a subject.", field="subject")
    if requester is None or requester.pk is None:
        raise InvalidInput("A ticket needs a requester.", field="requester")
    from tierdesk.contracts.models import Channel

    if channel not in Channel.values:
        raise InvalidInput(f"Unknown channel {channel!r}.", field="channel")
    if device is not None and device.organization_id not in (None, requester.organization_id):
        raise InvalidInput("The device belongs to another organisation.", field="device")
    cleaned = clean_intake(category.fields.all(), intake_data or {}) if category else {}
    if intake_data and not category:
        raise InvalidInput("Intake data needs a category.", field="intake_data")
    now = clock.now()
    tier = (category.default_tier if category and category.default_tier_id else None) or (
        first_tier()
    )
    ticket = Ticket(
        subject=subject,
        requester=requester,
        organization=requester.organization,
        category=category,
        device=device,
        channel=channel,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact, urgency),
        status=Status.NEW,
        tier=tier,
        team=team or (category.default_team if category else None),
        intake_data=cleaned,
        language=language or requester.language or "ru",
        follow_up_of=follow_up_of,
        max_tier_level=tier.level,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )
    _apply_entitlement(ticket, tier, now)
    ticket.save()
    ticket.number = format_number(ticket.pk)
    Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
    Entry.objects.create(
        ticket=ticket,
        kind=EntryKind.CUSTOMER_MESSAGE,
        is_public=True,
        author_contact=requester,
        author_user=actor if actor is not None and actor.is_authenticated else None,
        body_text=body or "",
        body_html=body_html,
        channel=channel,
        email_message_id=email_message_id,
        email_headers=dict(email_headers or {}),
        data=dict(entry_data or {}),
        created_at=now,
    )
    _audit(
        ticket,
        "created",
        actor=actor,
        contact=requester if actor is None else None,
        changes={
            "status": Status.NEW,
            "tier": tier.level,
            "channel": channel,
            "entitlement": ticket.entitlement,
            "follow_up_of": follow_up_of.number if follow_up_of else None,
        },
        now=now,
    )
    sync_clocks(ticket=ticket, event="created")
    publish_on_commit("ticket.created", ticket_id=ticket.pk)
    return ticket


@transaction.atomic
def add_customer_message(
    *,
    ticket: Ticket,
    contact: Contact,
    body: str,
    channel: str,
    body_html: str = "",
    actor: User | None = None,
    email_message_id: str = "",
    email_headers: Mapping[str, Any] | None = None,
    entry_data: Mapping[str, Any] | None = None,
) -> Entry:
    """A message from the customer's side. Re-opens a waiting or resolved ticket; on a closed
    (or merged) ticket it opens a follow-up ticket linked to the old one and lands there."""
    t = _lock(ticket, None)
    if t.status == Status.MERGED and t.merged_into_id:
        return add_customer_message(
            ticket=t.merged_into,  # type: ignore[arg-type]
            contact=contact,
            body=body,
            channel=channel,
            body_html=body_html,
            actor=actor,
            email_message_id=email_message_id,
            email_headers=email_headers,
            entry_data=entry_data,
        )
    if t.status in (Status.CLOSED, Status.MERGED, Status.SPAM):
        follow = create_ticket(
            subject=t.subject,
            body=body,
            body_html=body_html,
            requester=contact,
            channel=channel,
            actor=actor,
            category=t.category,
            device=t.device,
            impact=t.impact,
            urgency=t.urgency,
            language=t.language,
            follow_up_of=t,
            email_message_id=email_message_id,
            email_headers=email_headers,
            entry_data=entry_data,
        )
        return follow.entries.get(kind=EntryKind.CUSTOMER_MESSAGE)
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=EntryKind.CUSTOMER_MESSAGE,
        is_public=True,
        author_contact=contact,
        author_user=actor if actor is not None and actor.is_authenticated else None,
        body_text=body or "",
        body_html=body_html,
        channel=channel,
        email_message_id=email_message_id,
        email_headers=dict(email_headers or {}),
        data=dict(entry_data or {}),
        created_at=now,
    )
    old = t.status
    if t.status == Status.PENDING_CUSTOMER:
        _set_status(t, Status.OPEN, now)
    elif t.status == Status.RESOLVED:
        _set_status(t, Status.REOPENED, now)
    _touch(t, now)
    _save(t)
    _audit(t, "customer_message", contact=contact, changes=_status_change(old, t.status), now=now)
    sync_clocks(ticket=t, event="customer_message", old_status=old)
    _status_moved(t, old)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    body_html: str = "",
    expected_version: int | None = None,
    new_status: str | None = None,
    article: Article | None = None,
) -> Entry:
    """A public reply to the customer (sent by the e-mail channel when it came by e-mail)."""
    _require_agent(actor)
    if not (body or "").strip():
        raise InvalidInput("A reply needs text.", field="body")
    t = _lock(ticket, expected_version)
    if t.status in (Status.CLOSED, Status.MERGED, Status.SPAM):
        raise InvalidTransition(f"Ticket {t.number} is {Status(t.status).label}; reply refused.")
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=EntryKind.PUBLIC_REPLY,
        is_public=True,
        author_user=actor,
        body_text=body,
        body_html=body_html,
        channel=t.channel,
        data={"article_id": article.pk} if article else {},
        created_at=now,
    )
    old = t.status
    target = new_status or (Status.OPEN if t.status in (Status.NEW, Status.REOPENED) else None)
    if target:
        _set_status(t, target, now)
    t.public_reply_count += 1
    first = t.first_response_at is None
    if first:
        t.first_response_at = now
    if t.assignee_id is None and actor.tier_id == t.tier_id:
        t.assignee = actor
    _touch(t, now)
    _save(t)
    changes = _status_change(old, t.status)
    if article:
        from tierdesk.kb.models import Article as ArticleModel

        ArticleModel.objects.filter(pk=article.pk).update(offered_count=F("offered_count") + 1)
        changes["article_offered"] = article.pk
    _audit(t, "public_reply", actor=actor, changes=changes, now=now)
    sync_clocks(ticket=t, event="public_reply", first_response=first, old_status=old)
    _status_moved(t, old)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def add_note(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    body_html: str = "",
    kind: str = EntryKind.INTERNAL_NOTE,
    data: Mapping[str, Any] | None = None,
) -> Entry:
    """An internal note (agents only, never shown or sent to customers), or a call log."""
    _require_agent(actor)
    if not (body or "").strip():
        raise InvalidInput("A note needs text.", field="body")
    if kind not in (EntryKind.INTERNAL_NOTE, EntryKind.CALL_LOG):
        raise InvalidInput(f"Entry kind {kind!r} is not a note.")
    t = _lock(ticket, None)
    now = clock.now()
    entry = Entry.objects.create(
        ticket=t,
        kind=kind,
        is_public=False,
        author_user=actor,
        body_text=body,
        body_html=body_html,
        data=dict(data or {}),
        created_at=now,
    )
    _touch(t, now)
    _save(t)
    _audit(t, "note" if kind == EntryKind.INTERNAL_NOTE else "call_log", actor=actor, now=now)
    publish_on_commit("entry.created", ticket_id=t.pk, entry_id=entry.pk)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def share_entry_with_customer(*, entry: Entry, actor: User) -> Entry:
    """Make an agents-only vendor message or call log visible to the customer, on purpose."""
    _require_agent(actor)
    if entry.kind == EntryKind.INTERNAL_NOTE:
        raise InvalidInput("Internal notes are never shown to customers; write a reply instead.")
    if entry.is_public:
        return entry
    t = _lock(entry.ticket_id, None)
    now = clock.now()
    Entry.objects.filter(pk=entry.pk).update(is_public=True)
    entry.is_public = True
    _touch(t, now)
    _save(t)
    _audit(t, "entry_shared", actor=actor, changes={"entry": entry.pk}, now=now)
    return entry


@transaction.atomic
def record_event(
    *,
    ticket: Ticket,
    text: str,
    actor: User | None = None,
    action: str = "event",
    data: Mapping[str, Any] | None = None,
) -> Entry:
    """A system event on the timeline (e.g. an SLA warning) with its audit record."""
    t = _lock(ticket, None)
    now = clock.now()
    entry = _system_entry(t, text, now, **dict(data or {}))
    _touch(t, now)
    _save(t)
    _audit(t, action, actor=actor, changes=dict(data or {}), now=now)
    _refresh(ticket, t)
    return entry


@transaction.atomic
def record_csat(*, ticket: Ticket, contact: Contact, score: int, comment: str = "") -> Ticket:
    if not permissions.contact_can_see_ticket(contact, ticket):
        raise NotPermitted("This is not your ticket.")
    if score not in (1, 2, 3, 4, 5):
        raise InvalidInput("Rate from 1 to 5.", field="score")
    t = _lock(ticket, None)
    if t.status not in (Status.RESOLVED, Status.CLOSED):
        raise InvalidTransition("The help can be rated once the ticket is resolved.")
    now = clock.now()
    t.csat_score = score
    t.csat_comment = comment[:5000]
    _touch(t, now)
    _save(t)
    _audit(t, "csat", contact=contact, changes={"score": score}, now=now)
    _refresh(ticket, t)
    return t
