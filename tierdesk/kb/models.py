"""Knowledge base: standard solutions (articles) and the requests they deflected.

Search indexing is in ``kb.search`` (a PostgreSQL expression index, or SQLite FTS5 kept in step
by triggers), so every writer — services, the admin, a raw ORM update — is indexed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierdesk.core.models import TimeStampedModel

LANGUAGES = [("ru", "Русский"), ("en", "English")]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (agents only)")


class Article(TimeStampedModel):
    """A standard solution: symptoms, cause and resolution steps."""

    title = models.CharField(_("title"), max_length=300)
    symptoms = models.TextField(_("symptoms"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    resolution = models.TextField(_("resolution steps"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="ru")
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
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("created from ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    offered_count = models.PositiveIntegerField(_("offered"), default=0)
    opened_count = models.PositiveIntegerField(_("opened"), default=0)
    resolved_count = models.PositiveIntegerField(_("resolved tickets"), default=0)
    deflected_count = models.PositiveIntegerField(_("solved without a ticket"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(
                fields=["is_published", "visibility", "-updated_at", "-id"],
                name="kb_article_index_page",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.is_published and self.visibility == Visibility.PUBLIC


class Deflection(models.Model):
    """A request that did not become a ticket: the customer said an article solved it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "categories.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(_("what the customer typed"), max_length=500, blank=True)
    channel = models.CharField(_("where"), max_length=16, default="portal")
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deflected request")
        verbose_name_plural = _("deflected requests")

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.created_at:%Y-%m-%d}"
