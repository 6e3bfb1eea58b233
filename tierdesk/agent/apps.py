from django.apps import AppConfig


class AgentConfig(AppConfig):
    name = "tierdesk.agent"
    label = "agent"
    default_auto_field = "django.db.models.BigAutoField"
