"""The REST API under /api/v1/ (django-ninja); its schema at /api/v1/openapi.json.

Routers of other apps are mounted here: (prefix, module exporting ``router``).
"""

from __future__ import annotations

import importlib

from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(
    title="tierdesk API",
    version="1",
    description="Tiered technical-support desk: tickets, escalations, customers, KB, calls.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

ROUTERS = [
    ("/cti", "tierdesk.phone.api"),
]
for prefix, module_name in ROUTERS:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    api.add_router(prefix, module.router)

urlpatterns = [path("", api.urls)]
