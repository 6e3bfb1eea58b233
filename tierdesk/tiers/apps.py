from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "tierdesk.tiers"
    label = "tiers"
    default_auto_field = "django.db.models.BigAutoField"
