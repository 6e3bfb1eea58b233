from __future__ import annotations

from django.urls import path

from tierdesk.phone import views

app_name = "phone"

urlpatterns = [
    path("", views.call_list, name="calls"),
    path("popup/", views.popup, name="popup"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("log/", views.log_call, name="log"),
    path("lookup/", views.lookup, name="lookup"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/callback/", views.callback_done, name="callback-done"),
]
