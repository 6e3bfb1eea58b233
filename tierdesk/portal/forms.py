"""Portal forms. The new-request form is built from the category's intake form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tierdesk.categories.models import Category, FieldType, IntakeField
from tierdesk.devices.models import Device
from tierdesk.tickets.models import Level

INTAKE_PREFIX = "intake_"


class SignInForm(forms.Form):
    email = forms.CharField(label=_("E-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=4096)


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)


class RegisterForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Work e-mail"), max_length=254)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Attachments"))


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, choices=[(i, str(i)) for i in range(1, 6)]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def level_choices() -> list[tuple[int, Any]]:
    return [(int(value), label) for value, label in Level.choices]


def _intake_field(field: IntakeField, language: str) -> forms.Field:
    label = field.label(language)
    help_text = field.help_text_en if language == "en" else field.help_text_ru
    common: dict[str, Any] = {"label": label, "required": field.required, "help_text": help_text}
    if field.field_type == FieldType.TEXTAREA:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if field.field_type == FieldType.NUMBER:
        return forms.DecimalField(**common)
    if field.field_type == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if field.field_type == FieldType.CHOICE:
        choices = [("", "—")] + [(str(c), str(c)) for c in field.choices or []]
        return forms.ChoiceField(choices=choices, **common)
    if field.field_type == FieldType.BOOLEAN:
        return forms.TypedChoiceField(
            choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda v: v == "yes",
            empty_value=None,
            **common,
        )
    return forms.CharField(max_length=1000, **common)


class NewRequestForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("In a few words")}),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": _("What happens, since when, what you already tried"),
            }
        ),
    )
    device = forms.TypedChoiceField(label=_("Device"), required=False, coerce=int, empty_value=None)
    impact = forms.TypedChoiceField(
        label=_("Impact"), coerce=int, initial=2, help_text=_("How many people are affected?")
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), coerce=int, initial=2, help_text=_("How soon must it work again?")
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(
        self,
        *args: Any,
        category: Category,
        devices: list[Device],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        language = translation.get_language() or "ru"
        self.category = category
        self.devices = {d.pk: d for d in devices}
        self.fields["device"].choices = [("", _("— not about a specific device —"))] + [  # type: ignore[attr-defined]
            (d.pk, str(d)) for d in devices
        ]
        impact_labels = {1: _("Many people or the whole office"), 2: _("A group"), 3: _("Only me")}
        urgency_labels = {1: _("Work has stopped"), 2: _("Today"), 3: _("It can wait")}
        self.fields["impact"].choices = [(k, v) for k, v in impact_labels.items()]  # type: ignore[attr-defined]
        self.fields["urgency"].choices = [(k, v) for k, v in urgency_labels.items()]  # type: ignore[attr-defined]
        self.intake_names: list[str] = []
        for field in category.fields.all():
            name = INTAKE_PREFIX + field.name
            self.fields[name] = _intake_field(field, language)
            self.intake_names.append(name)

    def intake_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.intake_names]

    def clean_device(self) -> Device | None:
        value = self.cleaned_data.get("device")
        if value in (None, ""):
            return None
        device = self.devices.get(int(value))
        if device is None:
            raise forms.ValidationError(_("Choose a device of your organisation."))
        return device

    def intake_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.intake_names:
            value = self.cleaned_data.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif value is not None and not isinstance(value, bool | str):
                value = str(value)
            data[name[len(INTAKE_PREFIX) :]] = "" if value is None else value
        return data
