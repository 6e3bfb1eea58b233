from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tierdesk.core.models import TimeStampedModel

LANGUAGES = [("ru", "Русский"), ("en", "English")]


class Organization(TimeStampedModel):
    """A client company: has contacts, contracts and devices."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    email_domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated; senders from these domains join this organisation."),
    )
    allow_self_registration = models.BooleanField(
        _("contacts from these domains may self-register in the portal"), default=False
    )
    billing_allowed = models.BooleanField(
        _("paid support allowed"),
        default=True,
        help_text=_("When off, work outside warranty and contract is not covered at all."),
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="ru")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class Contact(TimeStampedModel):
    """A customer person. Phones are stored in E.164."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, default="")
    phone = models.CharField(_("phone (E.164)"), max_length=32, blank=True, db_index=True)
    mobile = models.CharField(_("mobile (E.164)"), max_length=32, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="ru")
    is_org_manager = models.BooleanField(_("organisation manager"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(Lower("email"), name="customers_contact_email_lower")]

    def __str__(self) -> str:
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email or self.phone or f"#{self.pk}"


class ContactEmail(models.Model):
    """Every address a contact writes from (the primary one included), unique across contacts."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("e-mail"), unique=True)

    class Meta:
        verbose_name = _("contact e-mail")
        verbose_name_plural = _("contact e-mails")

    def __str__(self) -> str:
        return self.email
