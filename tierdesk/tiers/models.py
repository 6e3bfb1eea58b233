from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.Model):
    """An ordered support level (1..N). Nothing in the code assumes exactly four tiers."""

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    cost_rate = models.DecimalField(
        _("hourly cost rate"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    billing_rate = models.DecimalField(
        _("hourly billing rate"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    requires_approval = models.BooleanField(
        _("entering this tier needs supervisor approval"), default=False
    )
    can_open_vendor_cases = models.BooleanField(_("may open vendor cases"), default=False)

    class Meta:
        ordering = ["level"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return f"L{self.level}"

    def display_name(self, language: str = "ru") -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Team(models.Model):
    """Agents of one tier with a skill (e.g. "L2 Networks"); queues are per tier and team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="teams"
    )
    skill = models.CharField(_("skill"), max_length=100, blank=True)
    supervisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_teams",
    )
    email = models.EmailField(_("notification e-mail"), blank=True)

    class Meta:
        ordering = ["tier__level", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name
