"""Tickets and their timeline. Status and tier are written only by ``tickets.lifecycle``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierdesk.contracts.entitlement import Kind as EntitlementKind
from tierdesk.contracts.models import Channel


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Waiting for customer")
    PENDING_VENDOR = "pending_vendor", _("Waiting for vendor")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    MERGED = "merged", _("Merged")
    SPAM = "spam", _("Spam")


OPEN_STATUSES = (
    Status.NEW,
    Status.OPEN,
    Status.REOPENED,
    Status.PENDING_CUSTOMER,
    Status.PENDING_VENDOR,
)


class Priority(models.IntegerChoices):
    P1 = 1, "P1"
    P2 = 2, "P2"
    P3 = 3, "P3"
    P4 = 4, "P4"


class Level(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class Entitlement(models.TextChoices):
    WARRANTY = EntitlementKind.WARRANTY, _("Warranty")
    CONTRACT = EntitlementKind.CONTRACT, _("Contract")
    BILLABLE = EntitlementKind.BILLABLE, _("Billable")
    NOT_COVERED = EntitlementKind.NOT_COVERED, _("Not covered")


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    requester = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    organization = models.ForeignKey(
        "customers.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    category = models.ForeignKey(
        "categories.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    device = models.ForeignKey(
        "devices.Device",
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Level.choices, default=2)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Level.choices, default=2)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.P3
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    tier = models.ForeignKey(
        "tiers.Tier", verbose_name=_("tier"), on_delete=models.PROTECT, related_name="tickets"
    )
    team = models.ForeignKey(
        "tiers.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    entitlement = models.CharField(
        _("entitlement"), max_length=16, choices=Entitlement.choices, blank=True
    )
    entitlement_reason = models.CharField(_("entitlement reason"), max_length=300, blank=True)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    intake_data = models.JSONField(_("intake data"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    resolution_code = models.CharField(_("resolution code"), max_length=32, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolution_article = models.ForeignKey(
        "kb.Article",
        verbose_name=_("solution used"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_tickets",
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
    )
    csat_score = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    csat_comment = models.TextField(_("satisfaction comment"), blank=True)

    # facts kept for metrics (DESIGN §5)
    max_tier_level = models.PositiveSmallIntegerField(_("highest tier reached"), default=1)
    public_reply_count = models.PositiveIntegerField(default=0)
    reopened_count = models.PositiveIntegerField(default=0)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["tier", "status", "-updated_at", "-id"], name="ticket_tier_q"),
            models.Index(fields=["team", "status", "-updated_at", "-id"], name="ticket_team_q"),
            models.Index(
                fields=["assignee", "status", "-updated_at", "-id"], name="ticket_assignee_q"
            ),
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_q"),
            models.Index(fields=["organization", "status"], name="ticket_org_status"),
            models.Index(fields=["requester", "status"], name="ticket_requester_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EntryKind(models.TextChoices):
    CUSTOMER_MESSAGE = "customer_message", _("Customer message")
    PUBLIC_REPLY = "public_reply", _("Public reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    CALL_LOG = "call_log", _("Call log")
    VENDOR_MESSAGE = "vendor_message", _("Vendor message")
    SYSTEM_EVENT = "system_event", _("System event")


PUBLIC_ENTRY_KINDS = (EntryKind.CUSTOMER_MESSAGE, EntryKind.PUBLIC_REPLY)


class Entry(models.Model):
    """One item of a ticket's timeline. ``is_public`` is what the customer may see."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    is_public = models.BooleanField(_("visible to the customer"), default=False)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticket_entries",
    )
    author_contact = models.ForeignKey(
        "customers.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticket_entries",
    )
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    email_message_id = models.CharField(max_length=998, blank=True, db_index=True)
    email_headers = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="entry_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.ticket_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    content_id = models.CharField(max_length=255, blank=True)
    is_inline = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class EscalationKind(models.TextChoices):
    UP = "up", _("Escalation")
    DOWN = "down", _("De-escalation")
    SKIP = "skip", _("Skip a tier")
    VENDOR = "vendor", _("To vendor")
    AUTO_SLA = "auto_sla", _("Automatic (SLA breach)")


class Escalation(models.Model):
    """A move between tiers (or to a vendor), with the hand-off that travels with it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(_("kind"), max_length=16, choices=EscalationKind.choices)
    from_tier = models.ForeignKey(
        "tiers.Tier", null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_tier = models.ForeignKey(
        "tiers.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_team = models.ForeignKey(
        "tiers.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    problem = models.TextField(_("problem statement"))
    data_collected = models.TextField(_("data collected"), blank=True)
    diagnostics = models.TextField(_("diagnostics done"), blank=True)
    tried = models.TextField(_("what was tried"), blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entitlement_before = models.CharField(max_length=16, blank=True)
    entitlement_after = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [models.Index(fields=["ticket", "created_at"], name="escalation_ticket")]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_tier_id}→{self.to_tier_id} on {self.ticket_id}"


class ApprovalKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer approval")
    OVERRIDE = "override", _("Supervisor override")


class WorkApproval(models.Model):
    """Permission to do paid work on a ticket at a tier: the customer's or a supervisor's."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="approvals")
    tier = models.ForeignKey("tiers.Tier", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ApprovalKind.choices)
    approved_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by_contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("work approval")
        verbose_name_plural = _("work approvals")

    def __str__(self) -> str:
        return f"{self.kind} for tier {self.tier_id} on {self.ticket_id}"


class TimeEntry(models.Model):
    """Minutes of work on a ticket; keeps the tier and its rates at that moment."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_entries")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    tier = models.ForeignKey("tiers.Tier", on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField()
    billable = models.BooleanField(default=False)
    cost_rate = models.DecimalField(max_digits=10, decimal_places=2)
    billing_rate = models.DecimalField(max_digits=10, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    work_date = models.DateField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["work_date", "pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.ticket_id}"


class AuditEvent(models.Model):
    """Who changed what on a ticket, and when; written in the same transaction as the change."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="audit_events")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="audit_ticket")]

    def __str__(self) -> str:
        return f"{self.action} on {self.ticket_id}"
