from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierdesk.core.models import TimeStampedModel


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Web portal")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    AGENT = "agent", _("Agent")


def all_channels() -> list[str]:
    return [c.value for c in Channel]


class SupportPlan(TimeStampedModel):
    """A contract template: free coverage up to a tier, included hours, SLA and calendar."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    covered_up_to = models.ForeignKey(
        "tiers.Tier",
        verbose_name=_("free support up to tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Work at higher tiers is billable. Empty: no tier is covered free."),
    )
    included_hours_per_month = models.DecimalField(
        _("included hours per month"), max_digits=8, decimal_places=2, default=0
    )
    channels = models.JSONField(_("channels"), default=all_channels, blank=True)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self) -> str:
        return self.name


class Contract(TimeStampedModel):
    organization = models.ForeignKey(
        "customers.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contracts",
    )
    plan = models.ForeignKey(
        SupportPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=64, blank=True)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["organization", "-starts_on"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [models.Index(fields=["organization", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.organization} — {self.plan} ({self.number or self.starts_on})"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
