from __future__ import annotations

from django.urls import path

from tierdesk.agent.views import auth, queues

app_name = "agent"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("language/", auth.set_language, name="language"),
    path("profile/", auth.profile, name="profile"),
    path("", queues.home, name="home"),
]
