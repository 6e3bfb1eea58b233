from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierdesk.core.models import TimeStampedModel


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (agents only)")


class Article(TimeStampedModel):
    """A standard solution: symptoms, cause and resolution steps."""

    title = models.CharField(_("title"), max_length=300)
    symptoms = models.TextField(_("symptoms"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    resolution = models.TextField(_("resolution steps"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=[("ru", "Русский"), ("en", "English")], default="ru"
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    categories = models.ManyToManyField(
        "categories.Category", verbose_name=_("categories"), blank=True, related_name="articles"
    )
    products = models.CharField(_("products"), max_length=500, blank=True)
    versions = models.CharField(_("versions"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_count = models.PositiveIntegerField(_("offered"), default=0)
    opened_count = models.PositiveIntegerField(_("opened"), default=0)
    resolved_count = models.PositiveIntegerField(_("resolved tickets"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title
