from __future__ import annotations

from django.urls import path

from tierdesk.mail import views

app_name = "mail"

urlpatterns = [
    path("inline/<int:pk>/<str:sha>/", views.inline_image, name="inline"),
]
