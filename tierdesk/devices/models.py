from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierdesk.core.models import TimeStampedModel


class Vendor(TimeStampedModel):
    """A manufacturer, partner or developer that receives vendor cases."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    email = models.EmailField(_("support e-mail"), blank=True)
    reply_to = models.EmailField(
        _("reply-to address for vendor mail"),
        blank=True,
        help_text=_("Our address that the vendor's replies come back to (routed to vendor cases)."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    turnaround_hours = models.PositiveIntegerField(_("turnaround target, hours"), default=72)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self) -> str:
        return self.name


class Device(TimeStampedModel):
    """An asset: a product model of a manufacturer, with serial number and warranty."""

    model = models.CharField(_("product model"), max_length=200)
    manufacturer = models.ForeignKey(
        Vendor,
        verbose_name=_("manufacturer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True, db_index=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    organization = models.ForeignKey(
        "customers.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="devices",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["model", "serial_number"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return f"{self.model} ({self.serial_number})" if self.serial_number else self.model

    def under_warranty(self, on: dt.date) -> bool:
        return self.warranty_end is not None and on <= self.warranty_end
