"""The REST API under /api/v1/ (django-ninja); its schema at /api/v1/openapi.json, interactive
docs at /api/v1/docs.

Routers of other apps are mounted here: (prefix, module exporting ``router``). Every error of
every router leaves as RFC 9457 problem details (``tierdesk.api.problems``).
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger, render_template

from tierdesk.api import problems, views


class SessionSwagger(Swagger):
    """Swagger UI that sends the CSRF token, so "Try it out" works with the signed-in session
    (the API's session auth checks CSRF on writes; see tierdesk.api.auth.SessionAuth)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,
        }
        return render_template(request, self.template, self.template_cdn, context)


class TierdeskAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Declare error answers as ``application/problem+json`` (what is really sent) and the
        Idempotency-Key header where it is honoured."""
        schema = super().get_openapi_schema(**kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content") if isinstance(response, dict) else None
                    if (
                        str(code).isdigit()
                        and int(code) >= 400
                        and content
                        and "application/json" in content
                    ):
                        content[problems.PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = TierdeskAPI(
    title="tierdesk API",
    version="1",
    description=(
        "Tiered technical-support desk: tickets, escalations, customers, KB, calls.\n\n"
        "Authenticate with a personal token (`Authorization: Bearer tdk_…`; create one with "
        "`tierdesk token create USER` or on your profile page) or, in the browser, with your "
        "session (writes need the `X-CSRFToken` header). Errors are RFC 9457 problem details. "
        "Lists are paged by `cursor`/`next_cursor`. Creates honour an `Idempotency-Key` header."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=SessionSwagger(),
)
problems.install(api)

ROUTERS = [
    ("/tickets", "tierdesk.api.routers.tickets"),
    ("", "tierdesk.api.routers.timeline"),
    ("", "tierdesk.api.routers.customers"),
    ("", "tierdesk.api.routers.directory"),
    ("", "tierdesk.api.routers.account"),
    ("", "tierdesk.api.routers.work"),
    ("", "tierdesk.api.routers.kb"),
    ("", "tierdesk.api.routers.vendors"),
    ("", "tierdesk.api.routers.calls"),
    ("/webhooks", "tierdesk.webhooks.api"),
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


def _problemized(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = problems.problem_responses(pattern.callback)
    return patterns


_api_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("account/tokens/", views.token_page, name="api-token-page"),
    path("", (_problemized(list(_api_patterns)), _app_name, _namespace)),
    re_path(r"^(?P<path>.*)$", problems.not_found_view),
]
