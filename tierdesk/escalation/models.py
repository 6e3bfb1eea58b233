from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    WARNING = "warning", _("SLA warning")
    BREACH = "breach", _("SLA breach")
    AUTO_ESCALATION = "auto_escalation", _("Automatic escalation")


class SlaAlert(models.Model):
    """What was done once for one clock moment: the unique key makes the jobs idempotent."""

    clock = models.ForeignKey("sla.SlaClock", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    created_at = models.DateTimeField(_("created at"))
    escalation = models.ForeignKey(
        "tickets.Escalation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        constraints = [
            models.UniqueConstraint(fields=["clock", "kind"], name="escalation_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for clock {self.clock_id}"
