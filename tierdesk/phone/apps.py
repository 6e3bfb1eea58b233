from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "tierdesk.phone"
    label = "phone"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Phone and CTI")
