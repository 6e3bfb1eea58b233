from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PeriodicRun(models.Model):
    """One row per (job, period): the unique key makes a periodic job run once per period
    even when several workers on several machines tick at the same moment."""

    job = models.CharField(max_length=100)
    period_key = models.CharField(max_length=40)
    claimed_at = models.DateTimeField(auto_now_add=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period_key"], name="core_periodicrun_unique")
        ]
        indexes = [models.Index(fields=["claimed_at"])]

    def __str__(self) -> str:
        return f"{self.job}@{self.period_key}"


class WorkerHeartbeat(models.Model):
    """Written by each running worker; /healthz reads it to report the worker state."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker


class RateLimitCounter(models.Model):
    """Hits of one client on one rate-limited action in one time window (``core.ratelimit``).
    Shared through the database, so every web process on every machine counts together."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="core_ratelimit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}={self.count}"
