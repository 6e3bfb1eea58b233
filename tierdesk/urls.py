from __future__ import annotations

import importlib

from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for future use)
from django.contrib import admin
from django.urls import include, path

from tierdesk.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", core_views.home, name="home"),
]

# Adapter apps mount themselves when they have a urls module: (prefix, module).
ADAPTERS = [
    ("agent/", "tierdesk.agent.urls"),
    ("portal/", "tierdesk.portal.urls"),
    ("kb/", "tierdesk.kb.urls"),
    ("forum/", "tierdesk.forum.urls"),
    ("api/v1/", "tierdesk.api.urls"),
    ("billing/", "tierdesk.billing.urls"),
    ("reports/", "tierdesk.reports.urls"),
    ("mail/", "tierdesk.mail.urls"),
    ("phone/", "tierdesk.phone.urls"),
    ("vendors/", "tierdesk.vendors.urls"),
]
for prefix, module in ADAPTERS:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        continue
    urlpatterns.append(path(prefix, include(module)))
