from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "tierdesk.kb"
    label = "kb"
    default_auto_field = "django.db.models.BigAutoField"
