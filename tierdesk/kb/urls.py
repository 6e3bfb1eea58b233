from __future__ import annotations

from django.urls import path

from tierdesk.kb import views

app_name = "kb"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="article"),
    path("<int:pk>/solved/", views.solved, name="solved"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("manage/", views.manage, name="manage"),
    path("new/", views.create, name="create"),
    path("from-ticket/<int:ticket_id>/", views.from_ticket, name="from_ticket"),
]
