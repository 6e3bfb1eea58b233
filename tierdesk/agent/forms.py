"""Forms of the ticket page. They parse input only; the lifecycle decides and writes.

Every form that changes the ticket carries ``version`` (the ticket version the agent saw) so a
stale form is refused with a conflict instead of overwriting someone else's change.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tierdesk.agent.describe import resolution_choices
from tierdesk.categories.models import Category, FieldType, IntakeField
from tierdesk.core import clock
from tierdesk.devices.models import Device
from tierdesk.tickets.lifecycle import TRANSITIONS
from tierdesk.tickets.models import Level, Status

if TYPE_CHECKING:
    from tierdesk.accounts.models import User
    from tierdesk.tickets.models import Ticket
    from tierdesk.tiers.models import Team, Tier

MAX_FILES = 10


class PageForm(forms.Form):
    """A form of the ticket page; each has its own id prefix (several share field names)."""

    auto_id_format = "id_%s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", self.auto_id_format)
        super().__init__(*args, **kwargs)


class VersionedForm(PageForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            if len(data) > MAX_FILES:
                raise forms.ValidationError(
                    _("Attach at most %(n)d files at once.") % {"n": MAX_FILES}
                )
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ComposerForm(VersionedForm):
    KIND_REPLY = "reply"
    KIND_NOTE = "note"

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(KIND_REPLY, _("Public reply")), (KIND_NOTE, _("Internal note"))],
        widget=forms.RadioSelect,
        initial=KIND_REPLY,
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=100_000)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    new_status = forms.ChoiceField(label=_("Then set status"), required=False)
    article = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = [
            s
            for s in (Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_VENDOR)
            if s in TRANSITIONS.get(ticket.status, ()) or s == ticket.status
        ]
        self.fields["new_status"].choices = [("", _("Keep the status"))] + [  # type: ignore[attr-defined]
            (s.value, s.label) for s in allowed
        ]

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Write some text."))
        return body


def _intake_form_field(f: IntakeField, language: str) -> forms.Field:
    label = f.label(language)
    hint = f.help_text_en if language == "en" else f.help_text_ru
    common: dict[str, Any] = {"label": label, "required": False, "help_text": hint}
    if f.field_type == FieldType.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if f.field_type == FieldType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if f.field_type == FieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if f.field_type == FieldType.CHOICE:
        choices = [("", "—")] + [(str(c), str(c)) for c in f.choices or []]
        return forms.ChoiceField(choices=choices, **common)
    if f.field_type == FieldType.BOOLEAN:
        return forms.NullBooleanField(
            widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
            **common,
        )
    return forms.CharField(**common)


class IntakeForm(VersionedForm):
    auto_id_format = "intake-%s"
    """The category's intake fields; what L1 has collected so far is the initial value."""

    def __init__(
        self,
        *args: Any,
        fields: list[IntakeField],
        values: dict[str, Any],
        language: str,
        **kw: Any,
    ) -> None:
        initial = kw.pop("initial", {}) or {}
        for f in fields:
            value = values.get(f.name, "")
            if f.field_type == FieldType.BOOLEAN and isinstance(value, bool):
                value = "true" if value else "false"
            initial.setdefault(f"f_{f.name}", value)
        kw["initial"] = initial
        super().__init__(*args, **kw)
        self.intake_fields = fields
        for f in fields:
            field = _intake_form_field(f, language)
            # Required for escalation, not for saving: L1 collects the data over time.
            field.intake_required = f.required  # type: ignore[attr-defined]
            self.fields[f"f_{f.name}"] = field

    def intake_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in self.intake_fields:
            value = self.cleaned_data.get(f"f_{f.name}")
            data[f.name] = "" if value is None else value
        return data


class DetailsForm(VersionedForm):
    auto_id_format = "details-%s"
    subject = forms.CharField(label=_("Subject"), max_length=300)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    device = forms.ModelChoiceField(
        label=_("Device"), queryset=Device.objects.none(), required=False
    )
    impact = forms.TypedChoiceField(label=_("Impact"), choices=Level.choices, coerce=int)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Level.choices, coerce=int)

    def __init__(self, *args: Any, ticket: Ticket, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category_field = self.fields["category"]
        category_field.queryset = Category.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        category_field.label_from_instance = lambda c: c.display_name(language)  # type: ignore[attr-defined]
        devices = Device.objects.select_related("manufacturer").order_by("model", "serial_number")
        if ticket.organization_id is not None:
            devices = devices.filter(organization_id=ticket.organization_id)
        else:
            devices = devices.filter(contact_id=ticket.requester_id)
        self.fields["device"].queryset = devices  # type: ignore[attr-defined]


class StatusForm(VersionedForm):
    auto_id_format = "status-%s"
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = [
            s
            for s in Status
            if s in TRANSITIONS.get(ticket.status, ()) and s not in (Status.RESOLVED, Status.MERGED)
        ]
        self.fields["status"].choices = [(s.value, s.label) for s in targets]  # type: ignore[attr-defined]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["status"].choices)  # type: ignore[attr-defined]


class ResolveForm(VersionedForm):
    auto_id_format = "resolve-%s"
    resolution_code = forms.ChoiceField(label=_("Resolution"), choices=())
    note = forms.CharField(
        label=_("Resolution note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
    )
    article = forms.TypedChoiceField(
        label=_("Standard solution used"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, offered: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution_code"].choices = resolution_choices()  # type: ignore[attr-defined]
        self.fields["article"].choices = [("", _("None")), *offered]  # type: ignore[attr-defined]


class AssignForm(VersionedForm):
    """Assign within the ticket's tier; a supervisor may also pick an agent of another tier,
    which moves the ticket there with a hand-off (``reason`` carries his instructions)."""

    auto_id_format = "assign-%s"
    assignee = forms.TypedChoiceField(
        label=_("Agent"), required=False, coerce=int, empty_value=None
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(
        label=_("Reason and instructions (when moving to another tier)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10_000,
    )
    billing_override = forms.BooleanField(
        label=_("Supervisor override: approve paid work without the customer"), required=False
    )

    def __init__(
        self,
        *args: Any,
        ticket: Ticket,
        agents: list[User],
        teams: list[Team],
        supervisor: bool,
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agent_tiers = {a.pk: a.tier_id for a in agents}
        groups: dict[str, list[tuple[int, str]]] = {}
        for agent in agents:
            label = agent.tier.display_name(language) if agent.tier else "—"
            groups.setdefault(label, []).append((agent.pk, agent.get_full_name() or agent.username))
        self.fields["assignee"].choices = [("", _("Nobody")), *groups.items()]  # type: ignore[attr-defined]
        if not supervisor:
            teams = [t for t in teams if t.tier_id == ticket.tier_id]
        self.fields["team"].choices = [("", _("Keep the team"))] + [  # type: ignore[attr-defined]
            (t.pk, f"{t.tier.code} · {t.name}") for t in teams
        ]
        if not supervisor:
            del self.fields["reason"]
            del self.fields["billing_override"]


class HandoffFields(VersionedForm):
    problem = forms.CharField(
        label=_("Problem statement"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )
    data_collected = forms.CharField(
        label=_("Data collected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
    )
    diagnostics = forms.CharField(
        label=_("Diagnostics done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
    )
    tried = forms.CharField(
        label=_("What was tried"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
    )
    to_tier = forms.TypedChoiceField(label=_("To tier"), coerce=int)
    to_team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)


class EscalateForm(HandoffFields):
    auto_id_format = "esc-%s"
    reason = forms.CharField(
        label=_("Why escalate"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    billing_override = forms.BooleanField(
        label=_("Supervisor override: approve paid work without the customer"), required=False
    )

    def __init__(
        self,
        *args: Any,
        ticket: Ticket,
        tiers: list[Tier],
        teams: list[Team],
        user: User,
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        current = ticket.tier.level
        higher = [t for t in tiers if t.level > current]
        self.skip_levels: set[int] = set()
        choices: list[tuple[int, str]] = []
        for i, tier in enumerate(higher):
            label = tier.display_name(language)
            if i > 0:
                self.skip_levels.add(tier.pk)
                label = _("%(tier)s — skips a tier, needs a supervisor") % {"tier": label}
            elif tier.requires_approval:
                label = _("%(tier)s — needs a supervisor") % {"tier": label}
            choices.append((tier.pk, label))
        self.fields["to_tier"].choices = choices  # type: ignore[attr-defined]
        self.fields["to_team"].choices = [("", _("Any team of the tier"))] + [  # type: ignore[attr-defined]
            (t.pk, f"{t.tier.code} · {t.name}") for t in teams if t.tier.level > current
        ]
        if not user.is_supervisor:
            del self.fields["billing_override"]


class DeescalateForm(HandoffFields):
    auto_id_format = "desc-%s"
    reason = forms.CharField(
        label=_("Instructions for the lower tier"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
    )

    def __init__(
        self,
        *args: Any,
        ticket: Ticket,
        tiers: list[Tier],
        teams: list[Team],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        current = ticket.tier.level
        lower = sorted((t for t in tiers if t.level < current), key=lambda t: -t.level)
        self.fields["to_tier"].choices = [(t.pk, t.display_name(language)) for t in lower]  # type: ignore[attr-defined]
        self.fields["to_team"].choices = [("", _("Any team of the tier"))] + [  # type: ignore[attr-defined]
            (t.pk, f"{t.tier.code} · {t.name}") for t in teams if t.tier.level < current
        ]


class TimeForm(PageForm):
    auto_id_format = "time-%s"
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("What was done"), required=False, max_length=500)
    work_date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_work_date(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("work_date")
        if day is not None and day > clock.now().date():
            raise forms.ValidationError(_("Time cannot be logged for a future date."))
        return day
