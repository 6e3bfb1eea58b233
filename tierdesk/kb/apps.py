from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "tierdesk.kb"
    label = "kb"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        connection_created.connect(_on_connection, dispatch_uid="tierdesk.kb.stem")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="tierdesk.kb.index")


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    from tierdesk.kb.search import register_sqlite_functions

    register_sqlite_functions(connection)


def _after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from tierdesk.kb.search import ensure_index

    ensure_index(connections[using])
