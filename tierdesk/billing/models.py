from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Basis(models.TextChoices):
    """Why a time entry is (or is not) charged."""

    WARRANTY = "warranty", _("Warranty")
    INCLUDED = "included", _("Included hours of the contract")
    BILLABLE = "billable", _("Billable")
    WAIVED = "waived", _("Waived by a supervisor's override")
    NOT_COVERED = "not_covered", _("Not covered (not charged)")


class TimeCharge(models.Model):
    """The billing decision for one :class:`tickets.TimeEntry`, made when it was logged.

    One entry may be split: the minutes that still fit in the contract's included hours of
    that month are ``included_minutes``, the rest ``billable_minutes``. ``amount`` is
    ``billable_minutes / 60 × entry.billing_rate``, rounded to kopecks (cents).
    """

    entry = models.OneToOneField(
        "tickets.TimeEntry", on_delete=models.CASCADE, related_name="charge"
    )
    organization = models.ForeignKey(
        "customers.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    month = models.DateField(_("month"))  # first day of the month of the work date
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    included_minutes = models.PositiveIntegerField(default=0)
    billable_minutes = models.PositiveIntegerField(default=0)
    free_minutes = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    cost = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)

    class Meta:
        verbose_name = _("time charge")
        verbose_name_plural = _("time charges")
        indexes = [
            models.Index(fields=["organization", "month"], name="billing_charge_org_month"),
            models.Index(fields=["contract", "month"], name="billing_charge_contract_month"),
        ]

    def __str__(self) -> str:
        return f"{self.basis} {self.amount} {self.currency}"


class QuoteStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Quote(models.Model):
    """An estimate for paid work at a tier: estimated hours × the tier's billing rate.

    The customer approves it in the portal or by the signed link in the e-mail; approval is
    recorded as a customer ``WorkApproval`` through the ticket lifecycle.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="quotes")
    tier = models.ForeignKey("tiers.Tier", on_delete=models.PROTECT, related_name="+")
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"))
    billing_rate = models.DecimalField(_("hourly rate"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.PENDING
    )
    note = models.TextField(_("what the work is"), blank=True)
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to = models.ForeignKey(
        "customers.Contact", null=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    approval = models.ForeignKey(
        "tickets.WorkApproval", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [models.Index(fields=["ticket", "status"], name="billing_quote_ticket")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for {self.tier} on {self.ticket_id}"

    @property
    def estimated_hours(self) -> Decimal:
        return (Decimal(self.estimated_minutes) / 60).quantize(Decimal("0.01"))
