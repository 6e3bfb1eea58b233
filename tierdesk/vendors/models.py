"""Vendor cases (DESIGN §2 "VendorCase"): a ticket handed to a manufacturer, partner or
developer. Its messages are entries of the ticket's timeline (kind ``vendor_message``, agents
only unless shared), tagged with ``data["vendor_case"]``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the vendor")
    ANSWERED = "answered", _("Vendor answered")
    CLOSED = "closed", _("Closed")


OPEN_CASE_STATUSES = (CaseStatus.WAITING, CaseStatus.ANSWERED)


class VendorCase(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="vendor_cases",
    )
    vendor = models.ForeignKey(
        "devices.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="cases"
    )
    escalation = models.ForeignKey(
        "tickets.Escalation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_tier = models.ForeignKey(
        "tiers.Tier", verbose_name=_("escalated from"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300)
    vendor_reference = models.CharField(
        _("vendor's case number"), max_length=100, blank=True, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.WAITING
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    first_response_at = models.DateTimeField(_("vendor's first answer"), null=True, blank=True)
    last_vendor_reply_at = models.DateTimeField(_("vendor's last answer"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_note = models.TextField(_("outcome"), blank=True)
    reminder_count = models.PositiveIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # RMA (return merchandise authorisation) for hardware sent to the vendor
    rma_number = models.CharField(_("RMA number"), max_length=100, blank=True)
    rma_shipped_on = models.DateField(_("shipped to the vendor"), null=True, blank=True)
    rma_received_on = models.DateField(_("received back"), null=True, blank=True)
    rma_tracking = models.CharField(_("tracking number"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("vendor case")
        verbose_name_plural = _("vendor cases")
        indexes = [
            models.Index(fields=["status", "due_at"], name="vendorcase_due"),
            models.Index(fields=["vendor", "opened_at"], name="vendorcase_vendor"),
            models.Index(fields=["status", "-opened_at", "-id"], name="vendorcase_list"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return f"VC-{self.pk:06d}" if self.pk else "VC-?"

    @property
    def tag(self) -> str:
        """The vendor tag in the subject of every mail of this case: ``[VC-000017]``."""
        return f"[{self.number}]"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def has_rma(self) -> bool:
        return bool(self.rma_number or self.rma_shipped_on or self.rma_received_on)
