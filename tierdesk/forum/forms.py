from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tierdesk.categories.models import Category
from tierdesk.kb.models import LANGUAGES


class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Your question in one sentence"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What did you try? Which device, program, version? Never post passwords."),
    )
    category = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Category.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
