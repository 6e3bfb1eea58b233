"""Forms of the vendor pages (parsing only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tierdesk.devices.models import Vendor
from tierdesk.tickets.models import Entry, EntryKind


def quote_choices(entries: list[Entry]) -> list[tuple[int, str]]:
    choices = []
    for e in entries:
        who = ""
        if e.author_user:
            who = e.author_user.get_full_name() or e.author_user.username
        elif e.author_contact:
            who = e.author_contact.name or e.author_contact.email
        elif e.data.get("vendor"):
            who = str(e.data["vendor"])
        when = timezone.localtime(e.created_at).strftime("%d.%m %H:%M")
        text = " ".join(e.body_text.split())[:90]
        choices.append((e.pk, f"{e.get_kind_display()} · {who} · {when}: {text}"))
    return choices


class QuoteMixin(forms.Form):
    quote = forms.TypedMultipleChoiceField(
        label=_("Quote these entries"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only what you write and what you tick here is sent. Internal notes are never "
            "included unless you tick them."
        ),
    )

    def __init__(self, *args: Any, entries: list[Entry] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries or []
        self.fields["quote"].choices = quote_choices(self.entries)  # type: ignore[attr-defined]
        self.internal_ids = {e.pk for e in self.entries if e.kind == EntryKind.INTERNAL_NOTE}


class OpenCaseForm(QuoteMixin):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    subject = forms.CharField(label=_("Subject"), max_length=300)
    vendor_reference = forms.CharField(
        label=_("Vendor's case number"),
        max_length=100,
        required=False,
        help_text=_("If the vendor already gave one (you can add it later)."),
    )
    body = forms.CharField(
        label=_("Message to the vendor"), widget=forms.Textarea(attrs={"rows": 12})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["vendor", "subject", "vendor_reference", "body", "quote"]


class MessageForm(QuoteMixin):
    body = forms.CharField(
        label=_("Message to the vendor"), widget=forms.Textarea(attrs={"rows": 6})
    )
    wait = forms.BooleanField(
        label=_("Wait for the vendor's answer (ticket goes to 'waiting for vendor')"),
        required=False,
        initial=True,
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("The vendor's answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For answers given by phone or on the vendor's portal; "
            "e-mail answers land by themselves."
        ),
    )


class CaseUpdateForm(forms.Form):
    vendor_reference = forms.CharField(
        label=_("Vendor's case number"), max_length=100, required=False
    )
    rma_number = forms.CharField(label=_("RMA number"), max_length=100, required=False)
    rma_tracking = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    rma_shipped_on = forms.DateField(
        label=_("Shipped to the vendor"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rma_received_on = forms.DateField(
        label=_("Received back"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Outcome"), max_length=2000, required=False)


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
