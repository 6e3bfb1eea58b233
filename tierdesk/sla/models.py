from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def default_week() -> dict[str, list[list[str]]]:
    """Mon–Fri 09:00–18:00: weekday number (0 = Monday) → list of [start, end] intervals."""
    return {str(d): [["09:00", "18:00"]] for d in range(5)}


def default_holiday_country() -> str:
    """``TIERDESK["HOLIDAY_COUNTRY"]`` (env ``TIERDESK_HOLIDAY_COUNTRY``, default RU)."""
    from django.conf import settings

    return str(getattr(settings, "TIERDESK", {}).get("HOLIDAY_COUNTRY", "RU"))


def validate_week(value: object) -> None:
    from tierdesk.sla.businesstime import CalendarError, parse_week

    if not isinstance(value, dict):
        raise ValidationError(_('Weekly hours look like {"0": [["09:00", "18:00"]]}.'))
    try:
        parse_week(value)
    except CalendarError as exc:
        raise ValidationError(str(exc)) from None


def validate_intervals(value: object) -> None:
    from tierdesk.sla.businesstime import CalendarError, parse_intervals

    if not isinstance(value, list):
        raise ValidationError(_('Hours look like [["10:00", "14:00"]]; [] closes the day.'))
    try:
        parse_intervals(value)
    except CalendarError as exc:
        raise ValidationError(str(exc)) from None


class BusinessCalendar(models.Model):
    """Working time in which SLA targets are measured (8x5, 24x7, shifts, holidays).

    ``weekly_hours``: weekday (0 = Monday) → ``[[start, end], …]``; an end not after its start
    runs past midnight (``["22:00", "06:00"]``). Public holidays and transferred working days
    come from the ``holidays`` package for ``holiday_country``; ``exceptions`` override a date.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    is_24x7 = models.BooleanField(_("24x7"), default=False)
    weekly_hours = models.JSONField(
        _("weekly working hours"), default=default_week, blank=True, validators=[validate_week]
    )
    holiday_country = models.CharField(
        _("public holidays of country"),
        max_length=8,
        blank=True,
        default=default_holiday_country,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        import zoneinfo

        from tierdesk.sla.holidays import known_country

        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"timezone": _("Unknown time zone.")}) from None
        if self.holiday_country and not known_country(self.holiday_country):
            raise ValidationError({"holiday_country": _("Unknown country code.")})


class CalendarException(models.Model):
    """A manual change of one date: closed (no hours) or open with other hours."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    hours = models.JSONField(
        _("working hours"),
        default=list,
        blank=True,
        validators=[validate_intervals],
        help_text=_('[] closes the day; [["10:00", "14:00"]] opens it for those hours.'),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_calendar_exc_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar}: {self.date}"


class SlaPolicy(models.Model):
    """Targets for one support plan and priority, in business minutes of the plan's calendar.

    A policy with no plan is the default for tickets whose organisation has no valid contract.
    An empty target is not measured.
    """

    plan = models.ForeignKey(
        "contracts.SupportPlan",
        verbose_name=_("support plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policies",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=[(1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")]
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response, business minutes"), null=True, blank=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response, business minutes"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution, business minutes"), null=True, blank=True
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at this percentage of the target"), default=80
    )
    escalation_grace_minutes = models.PositiveIntegerField(
        _("auto-escalate this many business minutes after a response breach"),
        null=True,
        blank=True,
        help_text=_("Empty: never escalate automatically."),
    )
    pause_on_pending_vendor = models.BooleanField(
        _("pause the clocks while waiting for a vendor"), default=True
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the plan's calendar (no plan and no calendar: 24x7)."),
    )

    class Meta:
        ordering = ["plan__name", "priority"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "priority"],
                name="sla_policy_unique",
                condition=Q(plan__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["priority"],
                name="sla_default_policy_unique",
                condition=Q(plan__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan or _('default')} P{self.priority}"

    def clean(self) -> None:
        if not 1 <= self.warning_percent <= 99:
            raise ValidationError({"warning_percent": _("Between 1 and 99.")})

    def effective_calendar(self) -> BusinessCalendar | None:
        if self.calendar_id is not None:
            return self.calendar
        return self.plan.calendar if self.plan is not None else None


class TierTarget(models.Model):
    """How fast a tier must respond after a ticket is escalated to it."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="tier_targets")
    tier = models.ForeignKey("tiers.Tier", on_delete=models.CASCADE, related_name="+")
    response_minutes = models.PositiveIntegerField(_("response, business minutes"))

    class Meta:
        ordering = ["policy", "tier__level"]
        verbose_name = _("tier response target")
        verbose_name_plural = _("tier response targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "tier"], name="sla_tier_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy}: {self.tier} {self.response_minutes} min"


class ClockKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")
    TIER_RESPONSE = "tier_response", _("Tier response")


RESPONSE_KINDS = (ClockKind.FIRST_RESPONSE, ClockKind.TIER_RESPONSE)  # may auto-escalate


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class SlaClock(models.Model):
    """One SLA target being measured on one ticket, in business time.

    Business time used so far = ``used_seconds`` + the calendar's working time since
    ``running_since`` (while running). ``due_at``/``warn_at``/``escalate_at`` are wall-clock
    moments computed when the clock starts, resumes or is re-targeted. ``next_check_at`` is the
    next of them that has not been handled yet (indexed: the reconciliation pass reads it);
    ``generation`` changes with it so that a job scheduled for an old moment does nothing.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ClockKind.choices)
    tier = models.ForeignKey(
        "tiers.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalation_id = models.BigIntegerField(null=True, blank=True)
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="clocks"
    )
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_seconds = models.PositiveIntegerField()
    warn_seconds = models.PositiveIntegerField(null=True, blank=True)
    grace_seconds = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ClockState.choices)
    started_at = models.DateTimeField()
    running_since = models.DateTimeField(null=True, blank=True)
    used_seconds = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    generation = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["ticket_id", "started_at", "pk"]  # no join with tickets to sort
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            # the reconciliation pass: what falls due next, across all tickets
            models.Index(
                fields=["next_check_at"],
                name="sla_clock_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
            # "due soon" / "breached" filters of the workspace
            models.Index(fields=["state", "due_at"], name="sla_clock_state_due"),
            models.Index(fields=["ticket", "kind", "state"], name="sla_clock_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def target(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.target_seconds)
