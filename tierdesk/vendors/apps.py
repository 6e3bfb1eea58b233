from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "tierdesk.vendors"
    label = "vendors"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Vendor cases")

    def ready(self) -> None:
        from tierdesk.mail.routing import register_inbound_router
        from tierdesk.vendors import mail, tasks  # noqa: F401  (tasks registers the periodic job)

        register_inbound_router(mail.route_vendor_reply)
