from __future__ import annotations

from django.urls import path

from tierdesk.portal.views import auth, requests, staff, tickets

app_name = "portal"

urlpatterns = [
    path("", tickets.ticket_list, name="home"),
    path("login/", auth.sign_in, name="login"),
    path("logout/", auth.sign_out, name="logout"),
    path("language/", auth.set_language, name="language"),
    path("password/reset/", auth.password_reset, name="password_reset"),
    path("password/set/<uidb64>/<token>/", auth.set_password, name="set_password"),
    path("register/", auth.register, name="register"),
    path("register/confirm/<str:token>/", auth.register_confirm, name="register_confirm"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/<str:number>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<str:number>/reply/", tickets.reply, name="reply"),
    path("tickets/<str:number>/close/", tickets.close, name="close"),
    path("tickets/<str:number>/reopen/", tickets.reopen, name="reopen"),
    path("tickets/<str:number>/rate/", tickets.rate, name="rate"),
    path(
        "tickets/<str:number>/quotes/<int:quote_id>/approve/",
        tickets.approve_quote,
        name="approve_quote",
    ),
    path(
        "tickets/<str:number>/quotes/<int:quote_id>/decline/",
        tickets.decline_quote,
        name="decline_quote",
    ),
    path("attachments/<int:pk>/", tickets.attachment, name="attachment"),
    path("new/", requests.choose_category, name="new"),
    path("new/<int:category_id>/", requests.new_request, name="new_request"),
    path("suggest/", requests.suggest, name="suggest"),
    path("solved/", requests.deflect, name="deflect"),
    path("staff/invitations/", staff.invitations, name="staff_invitations"),
    path("staff/invitations/<int:contact_id>/", staff.invite, name="staff_invite"),
]
