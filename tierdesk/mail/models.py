"""Mailboxes, the raw inbound message store and the outbox (see README.md in this folder)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImapSecurity(models.TextChoices):
    SSL = "ssl", _("TLS (IMAPS, usually port 993)")
    STARTTLS = "starttls", _("STARTTLS (usually port 143)")
    NONE = "none", _("None (trusted network only)")


class Mailbox(models.Model):
    """An address customers write to. Mail arrives by IMAP polling or by the MTA pipe."""

    name = models.SlugField(
        _("name"),
        max_length=50,
        unique=True,
        help_text=_("Used on the command line: tierdesk mail pipe --mailbox NAME"),
    )
    address = models.EmailField(_("address"), unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(
        _("IMAP host"), max_length=255, blank=True, help_text=_("Empty: pipe delivery only.")
    )
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.SSL
    )
    imap_user = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=255, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    imap_processed_folder = models.CharField(
        _("move imported mail to folder"),
        max_length=255,
        blank=True,
        help_text=_("Empty: imported mail is only marked as read (\\Seen) in the folder."),
    )
    default_category = models.ForeignKey(
        "categories.Category",
        verbose_name=_("default category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_team = models.ForeignKey(
        "tiers.Team",
        verbose_name=_("default team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_from = models.EmailField(
        _("reply-from address"), blank=True, help_text=_("Empty: the mailbox address.")
    )
    from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    send_acknowledgement = models.BooleanField(_("acknowledge new tickets"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last polling error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().save(*args, **kwargs)
        from tierdesk.mail.outbound import forget_our_addresses

        forget_our_addresses()  # loop protection must see a changed address at once

    @property
    def sender_address(self) -> str:
        return self.reply_from or self.address

    @property
    def polls_imap(self) -> bool:
        return bool(self.is_active and self.imap_host)


class InboundState(models.TextChoices):
    RECEIVED = "received", _("Received, not yet processed")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Recorded, no ticket (automatic mail, loop)")
    UNPROCESSABLE = "unprocessable", _("Unprocessable")


class InboundMessage(models.Model):
    """One received message, raw bytes kept on disk. ``dedupe_key`` makes import idempotent."""

    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    source = models.CharField(_("source"), max_length=16, default="pipe")
    dedupe_key = models.CharField(max_length=100, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    sha256 = models.CharField(max_length=64)
    raw_path = models.CharField(_("raw message file"), max_length=300)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    from_email = models.CharField(_("from"), max_length=320, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=InboundState.choices, default=InboundState.RECEIVED
    )
    auto_reason = models.CharField(_("automatic mail"), max_length=200, blank=True)
    note = models.CharField(_("outcome"), max_length=500, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    routed_by = models.CharField(_("handled by router"), max_length=200, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    entry = models.ForeignKey(
        "tickets.Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged = models.BooleanField(_("acknowledged"), default=False)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        indexes = [
            models.Index(fields=["state", "received_at"], name="mail_inbound_state"),
            models.Index(fields=["from_email", "received_at"], name="mail_inbound_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.from_email}: {self.subject}"[:120]


class OutboundKind(models.TextChoices):
    ACKNOWLEDGEMENT = "ack", _("Acknowledgement")
    REPLY = "reply", _("Agent's reply")
    STATUS = "status", _("Status change")
    RESOLUTION = "resolution", _("Resolution")
    VENDOR = "vendor", _("To a vendor")
    SLA = "sla", _("SLA notification")
    OTHER = "other", _("Other")


# mail to the customer side of a ticket (not to vendors or staff)
CUSTOMER_KINDS = (
    OutboundKind.ACKNOWLEDGEMENT,
    OutboundKind.REPLY,
    OutboundKind.STATUS,
    OutboundKind.RESOLUTION,
)


class OutboundState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")
    BOUNCED = "bounced", _("Bounced")


class OutboundMessage(models.Model):
    """One e-mail we send, kept with its own Message-ID so replies to it can be threaded."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OutboundKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=OutboundState.choices, default=OutboundState.QUEUED
    )
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_messages",
    )
    related_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_id = models.CharField(max_length=64, blank=True)
    from_address = models.CharField(_("from"), max_length=400)
    reply_to = models.CharField(_("reply-to"), max_length=400, blank=True)
    to = models.JSONField(_("to"), default=list)
    subject = models.CharField(_("subject"), max_length=998)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.JSONField(default=list, blank=True)
    extra_headers = models.JSONField(default=dict, blank=True)
    auto_submitted = models.BooleanField(_("automatic mail"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            models.Index(fields=["state", "created_at"], name="mail_outbound_state"),
            models.Index(fields=["related_type", "related_id"], name="mail_outbound_related"),
            models.Index(fields=["kind", "created_at"], name="mail_outbound_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"[:120]
