"""Forms of the phone pages (parsing only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tierdesk.categories.models import Category
from tierdesk.phone.models import Direction


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return str(obj)


def category_field() -> CategoryChoice:
    return CategoryChoice(
        label=_("Category"), queryset=Category.objects.order_by("name"), required=False
    )


class FileCallMixin(forms.Form):
    """What to do with the call: a new ticket, attach to an open one, or just log it."""

    OUTCOMES = [
        ("new", _("Create a ticket")),
        ("attach", _("Attach to a ticket")),
        ("none", _("Only log the call")),
    ]
    outcome = forms.ChoiceField(
        label=_("File the call"), choices=OUTCOMES, initial="new", widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ticket_number = forms.CharField(label=_("Ticket number"), max_length=20, required=False)
    category = category_field()
    new_contact_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    new_contact_email = forms.EmailField(label=_("Caller's e-mail"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == "new" and not (data.get("subject") or "").strip():
            self.add_error("subject", _("A new ticket needs a subject."))
        if outcome == "attach" and not (data.get("ticket") or data.get("ticket_number")):
            self.add_error("ticket_number", _("Choose the ticket or enter its number."))
        return data


class LogCallForm(FileCallMixin):
    number = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "+7 495 123-45-67"}),
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.IN
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=0, max_value=24 * 60, required=False
    )
    notes = forms.CharField(
        label=_("What was said"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    field_order = ["number", "direction", "duration_minutes", "notes", "outcome"]


class FileCallForm(FileCallMixin):
    body = forms.CharField(
        label=_("What the caller said"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class CallbackDoneForm(forms.Form):
    note = forms.CharField(
        label=_("Outcome"), max_length=2000, required=False, widget=forms.TextInput()
    )
