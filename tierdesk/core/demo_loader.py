"""Demo data loading: each app may have a ``demo`` module with ``load(ctx)``.

``tierdesk demo`` runs the foundation (``tickets.demo``) first, then every other app's loader in
INSTALLED_APPS order. Loaders must be idempotent: running the command twice changes nothing.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

FIRST = "tierdesk.tickets"


def loaders() -> list[Any]:
    names = [c.name for c in apps.get_app_configs() if c.name.startswith("tierdesk.")]
    names.sort(key=lambda n: n != FIRST)
    found = []
    for name in names:
        try:
            module = importlib.import_module(f"{name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.demo":
                raise
            continue
        found.append(module)
    return found


def load_all(*, stdout: Any = None) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    for module in loaders():
        module.load(ctx)
        if stdout is not None:
            stdout.write(f"  demo data: {module.__name__} ok")
    return ctx
