from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "tierdesk.escalation"
    label = "escalation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tierdesk.escalation import handlers

        handlers.connect()
