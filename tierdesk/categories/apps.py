from django.apps import AppConfig


class CategoriesConfig(AppConfig):
    name = "tierdesk.categories"
    label = "categories"
    default_auto_field = "django.db.models.BigAutoField"
