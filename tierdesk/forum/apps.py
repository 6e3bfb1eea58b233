from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "tierdesk.forum"
    label = "forum"
    default_auto_field = "django.db.models.BigAutoField"
