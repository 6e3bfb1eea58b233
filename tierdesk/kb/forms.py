from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tierdesk.categories.models import Category
from tierdesk.kb.models import LANGUAGES, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    symptoms = forms.CharField(
        label=_("Symptoms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the customer sees: messages, indicators, behaviour."),
    )
    cause = forms.CharField(
        label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolution = forms.CharField(
        label=_("Resolution steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One step per line; they are shown as a numbered list."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    products = forms.CharField(label=_("Products"), max_length=500, required=False)
    versions = forms.CharField(label=_("Versions"), max_length=200, required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False)
