from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "tierdesk.billing"
    label = "billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tierdesk.billing import notify, services, tasks  # noqa: F401  (periodic job)
        from tierdesk.contracts.selectors import register_included_usage

        notify.connect()
        register_included_usage(services.included_minutes_used_by_id)
