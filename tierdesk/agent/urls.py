from __future__ import annotations

from django.urls import path

from tierdesk.agent.views import actions, auth, notifications, queues, ticket

app_name = "agent"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("language/", auth.set_language, name="language"),
    path("profile/", auth.profile, name="profile"),
    path("", queues.home, name="home"),
    path("search/", queues.search, name="search"),
    path("queues/<str:key>/", queues.queue, name="queue"),
    path("tickets/<int:pk>/", ticket.ticket_page, name="ticket"),
    path("tickets/<int:pk>/kb/", ticket.kb_search, name="kb-search"),
    path("tickets/<int:pk>/compose/", actions.compose, name="compose"),
    path("tickets/<int:pk>/intake/", actions.intake, name="intake"),
    path("tickets/<int:pk>/details/", actions.details, name="details"),
    path("tickets/<int:pk>/take/", actions.take, name="take"),
    path("tickets/<int:pk>/assign/", actions.assign, name="assign"),
    path("tickets/<int:pk>/status/", actions.status, name="status"),
    path("tickets/<int:pk>/resolve/", actions.resolve, name="resolve"),
    path("tickets/<int:pk>/reopen/", actions.reopen, name="reopen"),
    path("tickets/<int:pk>/escalate/", actions.escalate, name="escalate"),
    path("tickets/<int:pk>/deescalate/", actions.deescalate, name="deescalate"),
    path("tickets/<int:pk>/accept/", actions.accept, name="accept"),
    path("tickets/<int:pk>/time/", actions.log_time, name="log-time"),
    path("attachments/<int:pk>/", ticket.attachment, name="attachment"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/<int:pk>/", notifications.open_notification, name="notification"),
    path("notifications/read/", notifications.mark_all_read, name="notifications-read"),
]
