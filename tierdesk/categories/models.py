from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """What a problem is about (a tree). Owns the intake form L1 must collect."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    default_tier = models.ForeignKey(
        "tiers.Tier",
        verbose_name=_("default tier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_team = models.ForeignKey(
        "tiers.Team",
        verbose_name=_("default team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    covered_by_warranty = models.BooleanField(
        _("device warranty covers this category"),
        default=True,
        help_text=_("Hardware faults usually are; configuration and training usually are not."),
    )
    require_intake_to_escalate = models.BooleanField(
        _("required intake fields must be filled before escalation"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str = "ru") -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes/no")


class IntakeField(models.Model):
    """One field of a category's intake form (device model, serial, OS version, error text…)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="fields"
    )
    name = models.SlugField(_("name"), max_length=64)
    label_ru = models.CharField(_("label (Russian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    field_type = models.CharField(
        _("type"), max_length=16, choices=FieldType.choices, default=FieldType.TEXT
    )
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('For a choice: ["a", "b"]')
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    help_text_ru = models.CharField(_("hint (Russian)"), max_length=300, blank=True)
    help_text_en = models.CharField(_("hint (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["category", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="categories_field_unique")
        ]
        verbose_name = _("intake field")
        verbose_name_plural = _("intake fields")

    def __str__(self) -> str:
        return f"{self.category}: {self.name}"

    def label(self, language: str = "ru") -> str:
        return self.label_en if language == "en" else self.label_ru
