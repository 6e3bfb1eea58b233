from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "tierdesk.contracts"
    label = "contracts"
    default_auto_field = "django.db.models.BigAutoField"
