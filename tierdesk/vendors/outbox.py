"""Mail to vendors through the e-mail channel's outbox (``tierdesk.mail.outbound``).

Every mail of a case carries the vendor tag ``[VC-000017]`` in its subject and an
``X-Tierdesk-Vendor-Case`` header, has its own Message-ID, answers the case's previous mail
(In-Reply-To/References) and asks for replies at ``Vendor.reply_to`` when one is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierdesk.tickets.models import Entry, EntryKind

if TYPE_CHECKING:
    from tierdesk.mail.models import OutboundMessage
    from tierdesk.vendors.models import VendorCase

HEADER = "X-Tierdesk-Vendor-Case"


def case_subject(case: VendorCase) -> str:
    subject = " ".join(case.subject.split())
    if case.vendor_reference and case.vendor_reference not in subject:
        subject = f"{subject} (your ref. {case.vendor_reference})"
    return f"{case.tag} {subject}"


def thread_ids(case: VendorCase) -> list[str]:
    """Message-IDs of the case's mail so far (ours and the vendor's), oldest first."""
    return [
        mid
        for mid in Entry.objects.filter(
            ticket_id=case.ticket_id, kind=EntryKind.VENDOR_MESSAGE, data__vendor_case=case.pk
        )
        .exclude(email_message_id="")
        .order_by("created_at", "pk")
        .values_list("email_message_id", flat=True)[:50]
        if mid
    ]


def queue_case_mail(
    *, case: VendorCase, text: str, kind: str = "message", auto: bool = False
) -> OutboundMessage | None:
    """Queue ``text`` to the vendor in the case's thread; None when the vendor has no e-mail
    address (the agent then talks to the vendor by phone or on its portal)."""
    if not case.vendor.email:
        return None
    from tierdesk.mail.outbound import queue_mail

    previous = thread_ids(case)
    return queue_mail(
        to=[case.vendor.email],
        subject=case_subject(case) if not previous else f"Re: {case_subject(case)}",
        text=text,
        ticket=case.ticket,
        kind="vendor",
        in_reply_to=previous[-1] if previous else "",
        references=previous,
        reply_to=case.vendor.reply_to,
        extra_headers={HEADER: case.number},
        auto_submitted=auto,
        related_object=case,
        dedupe_key=f"vendor-case:{case.pk}:{kind}" if kind != "message" else "",
    )
