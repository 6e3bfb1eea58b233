"""Inbound vendor mail: a router registered with the e-mail channel claims the vendor's
replies before customer threading, and lands them on the ticket as vendor entries.

A message belongs to a vendor case when
  1. it answers one of our vendor mails (In-Reply-To / References), or
  2. its subject carries a case's vendor tag ``[VC-000017]`` and it comes from the vendor's
     address or domain, or
  3. it is sent to a vendor's reply-to address from that vendor's domain and names the
     vendor's own case number in the subject.
Mail to a vendor's reply-to address that matches no case is kept as unprocessable (shown to
admins) rather than turned into a customer ticket.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType

from tierdesk.core.errors import DomainError
from tierdesk.devices.models import Vendor
from tierdesk.tickets.models import Entry
from tierdesk.vendors.models import VendorCase

if TYPE_CHECKING:
    from tierdesk.mail.models import InboundMessage, Mailbox
    from tierdesk.mail.parsing.types import ParsedMessage

TAG = re.compile(r"\[VC-(\d{1,12})\]", re.IGNORECASE)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def sender_is_vendor(sender: str, vendor: Vendor) -> bool:
    sender = (sender or "").strip().lower()
    if not sender or not vendor.email:
        return False
    return sender == vendor.email.lower() or _domain(sender) == _domain(vendor.email)


def case_for_message(message: ParsedMessage) -> VendorCase | None:
    from tierdesk.mail.routing import find_outbound_for_reply

    original = find_outbound_for_reply(message, kind="vendor")
    if original is not None and original.related_id:
        kind = ContentType.objects.get_for_model(VendorCase)
        if original.related_type_id == kind.pk:
            found = VendorCase.objects.filter(pk=original.related_id).first()
            if found is not None:
                return found
    match = TAG.search(message.subject or "")
    if match:
        case = VendorCase.objects.select_related("vendor").filter(pk=int(match.group(1))).first()
        if case is not None and sender_is_vendor(message.from_email, case.vendor):
            return case
    return None


def _addressed_vendor(message: ParsedMessage) -> Vendor | None:
    recipients = {a.strip().lower() for a in [*message.to, *message.cc] if a}
    if not recipients:
        return None
    for vendor in Vendor.objects.exclude(reply_to=""):
        if vendor.reply_to.lower() in recipients:
            return vendor
    return None


def route_vendor_reply(
    message: ParsedMessage, inbound: InboundMessage, mailbox: Mailbox | None
) -> bool:
    """The inbound router (``tierdesk.mail.routing``). True when the message was the vendor's
    and has landed on its case."""
    from tierdesk.vendors import services

    case = case_for_message(message)
    if case is None:
        vendor = _addressed_vendor(message)
        if vendor is None:
            return False
        if sender_is_vendor(message.from_email, vendor):
            case = services.find_case_for_reference(vendor, message.subject or "")
        if case is None:
            raise DomainError(
                f"Mail to {vendor.name}'s vendor address {vendor.reply_to} from "
                f"{message.from_email or 'an unknown sender'} matches no vendor case; "
                "attach it by hand."
            )
    if message.is_auto and message.auto_kind == "bounce":
        from tierdesk.tickets import lifecycle

        lifecycle.record_event(
            ticket=case.ticket,
            text=f"Mail to {case.vendor.name} for {case.number} bounced: "
            f"{(message.text or '').strip()[:300]}",
            action="vendor_mail_bounced",
            data={"vendor_case": case.pk},
        )
        services.notify_watchers(
            case, f"Mail to {case.vendor.name} bounced ({case.number})", "bounce"
        )
        return True
    entry = services.receive_vendor_reply(
        case=case,
        body=message.text or "(empty message)",
        body_html=message.html,
        sender=message.from_email,
        email_message_id=message.message_id,
        email_headers={
            "from": message.from_email,
            "to": ", ".join(message.to),
            "subject": message.subject,
            "in_reply_to": message.in_reply_to,
        },
        automatic=message.is_auto,
    )
    _store_attachments(message, case, entry)
    if inbound is not None:  # the importer saves the row: admins see where the mail went
        inbound.ticket = case.ticket
        inbound.entry = entry
    return True


def _store_attachments(message: ParsedMessage, case: VendorCase, entry: Entry) -> None:
    if not message.attachments:
        return
    from tierdesk.mail.importer import store_parsed_attachments

    notes = store_parsed_attachments(ticket=case.ticket, entry=entry, message=message)
    if notes:
        Entry.objects.filter(pk=entry.pk).update(data={**entry.data, "attachment_notes": notes})
