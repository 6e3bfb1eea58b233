from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "tierdesk.mail"
    label = "mail"
    verbose_name = _("E-mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # periodic jobs (polling, outbox sweep) register on import
        from tierdesk.mail import notify, tasks  # noqa: F401

        notify.register()
