from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "tierdesk.vendors"
    label = "vendors"
    default_auto_field = "django.db.models.BigAutoField"
