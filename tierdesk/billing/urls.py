from __future__ import annotations

from django.urls import path

from tierdesk.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.index, name="index"),
    path("statement/<int:org_id>/<str:month>/", views.statement, name="statement"),
    path("statement/<int:org_id>/<str:month>.csv", views.statement_csv, name="statement_csv"),
    path("statement/<int:org_id>/<str:month>.pdf", views.statement_pdf, name="statement_pdf"),
    path("q/<str:token>/", views.quote_link, name="quote_link"),
]
