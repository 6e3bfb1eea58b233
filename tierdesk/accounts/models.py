from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    CUSTOMER = "customer", _("Customer")


class User(AbstractUser):
    """A person who signs in: staff (an Agent, DESIGN §2) or a customer contact's portal login.

    An agent belongs to one Tier and to Teams; ``role`` says whether he supervises or administers.
    A customer login is linked from ``customers.Contact.user``.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    tier = models.ForeignKey(
        "tiers.Tier",
        verbose_name=_("tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agents",
    )
    teams = models.ManyToManyField(
        "tiers.Team", verbose_name=_("teams"), blank=True, related_name="members"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("ru", "Русский"), ("en", "English")], default="ru"
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and self.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}

    @property
    def is_supervisor(self) -> bool:
        return self.is_active and (self.role in {Role.SUPERVISOR, Role.ADMIN} or self.is_superuser)

    @property
    def is_admin_role(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER
