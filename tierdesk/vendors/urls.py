from __future__ import annotations

from django.urls import path

from tierdesk.vendors import views

app_name = "vendors"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("report/", views.report, name="report"),
    path("open/<int:ticket_pk>/", views.open_case, name="open"),
    path("entries/<int:entry_pk>/share/", views.share_entry, name="share"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/send/", views.send_message, name="send"),
    path("<int:pk>/answer/", views.record_answer, name="answer"),
    path("<int:pk>/update/", views.update_case, name="update"),
    path("<int:pk>/close/", views.close_case, name="close"),
]
