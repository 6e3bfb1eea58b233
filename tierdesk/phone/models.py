"""Phone calls (DESIGN §2 "Call") and the telephony integrations that report them (CTI)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CtiIntegration(models.Model):
    """One PBX (Asterisk, FreePBX, …) allowed to post call events. Only the SHA-256 of its
    token is stored; the token itself is shown once, when it is created."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("telephony integration")
        verbose_name_plural = _("telephony integrations")

    def __str__(self) -> str:
        return self.name


class AgentLine(models.Model):
    """An agent's phone number or PBX extension, so ``answeringNumber`` finds the agent."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="phone_lines",
    )
    number = models.CharField(_("number or extension"), max_length=64, unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("agent phone line")
        verbose_name_plural = _("agent phone lines")

    def __str__(self) -> str:
        return f"{self.number} → {self.agent}"


class Direction(models.TextChoices):
    IN = "in", _("Inbound")
    OUT = "out", _("Outbound")


class CallState(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("In progress")
    ENDED = "ended", _("Ended")


class HangupCause(models.TextChoices):
    NORMAL_CLEARING = "normalClearing", _("Normal clearing")
    BUSY = "busy", _("Busy")
    CANCEL = "cancel", _("Caller hung up")
    NO_ANSWER = "noAnswer", _("No answer")
    CONGESTION = "congestion", _("Congestion")
    NOT_FOUND = "notFound", _("Not found")
    FORWARDED = "forwarded", _("Forwarded")


# An inbound call that ended this way without being answered needs a call-back.
MISSED_CAUSES = frozenset({HangupCause.NO_ANSWER, HangupCause.CANCEL, HangupCause.BUSY})


class Source(models.TextChoices):
    CTI = "cti", _("Telephony system")
    MANUAL = "manual", _("Logged by an agent")


class Callback(models.TextChoices):
    NONE = "", _("—")
    PENDING = "pending", _("Call back")
    DONE = "done", _("Called back")


class Call(models.Model):
    """One phone call, from the PBX's events or logged by hand."""

    integration = models.ForeignKey(
        CtiIntegration, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    call_id = models.CharField(_("CTI call id"), max_length=250)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, blank=True
    )
    state = models.CharField(_("state"), max_length=10, choices=CallState.choices)
    from_number = models.CharField(_("from"), max_length=64, blank=True)
    to_number = models.CharField(_("to"), max_length=64, blank=True)
    # The customer's side of the call in E.164 ("from" inbound, "to" outbound); "" if unknown.
    customer_number = models.CharField(_("customer number (E.164)"), max_length=32, blank=True)
    queue = models.CharField(_("queue"), max_length=100, blank=True)
    user_names = models.JSONField(_("users named by the PBX"), default=list, blank=True)
    answering_number = models.CharField(_("answering number"), max_length=100, blank=True)
    cause = models.CharField(
        _("hang-up cause"), max_length=16, choices=HangupCause.choices, blank=True
    )
    started_at = models.DateTimeField(_("started"), db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    offered_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="offered_calls"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    organization = models.ForeignKey(
        "customers.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    notes = models.TextField(_("notes"), blank=True)
    callback = models.CharField(
        _("call-back"), max_length=8, choices=Callback.choices, blank=True, default=""
    )
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    callback_at = models.DateTimeField(null=True, blank=True)
    callback_note = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["integration", "call_id"], name="phone_call_cti_id")
        ]
        indexes = [
            models.Index(fields=["callback", "started_at"], name="phone_callback_q"),
            models.Index(fields=["state", "-started_at"], name="phone_call_state"),
            models.Index(fields=["customer_number", "-started_at"], name="phone_call_number"),
            models.Index(fields=["agent", "state"], name="phone_call_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.from_number} → {self.to_number}"

    @property
    def duration_seconds(self) -> int | None:
        if self.answered_at and self.ended_at:
            return max(0, int((self.ended_at - self.answered_at).total_seconds()))
        return None
