from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def default_week() -> dict[str, list[list[str]]]:
    """Mon–Fri 09:00–18:00: weekday number (0 = Monday) → list of [start, end] intervals."""
    return {str(d): [["09:00", "18:00"]] for d in range(5)}


class BusinessCalendar(models.Model):
    """Working time in which SLA targets are measured (8x5, 24x7, shifts, holidays)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    is_24x7 = models.BooleanField(_("24x7"), default=False)
    weekly_hours = models.JSONField(_("weekly working hours"), default=default_week, blank=True)
    holiday_country = models.CharField(
        _("public holidays of country"), max_length=8, blank=True, default="RU"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name
