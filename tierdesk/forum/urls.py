from __future__ import annotations

from django.urls import path

from tierdesk.forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_topic, name="new"),
    path("<int:pk>/", views.topic, name="topic"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/moderate/", views.moderate_topic, name="moderate_topic"),
    path("posts/<int:pk>/accept/", views.accept, name="accept"),
    path("posts/<int:pk>/promote/", views.promote, name="promote"),
    path("posts/<int:pk>/moderate/", views.moderate_post, name="moderate_post"),
]
