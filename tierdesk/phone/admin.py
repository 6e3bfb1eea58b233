from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tierdesk.phone import services
from tierdesk.phone.models import AgentLine, Call, CtiIntegration


@admin.register(CtiIntegration)
class CtiIntegrationAdmin(admin.ModelAdmin):
    """Adding an integration creates its token and shows it once in a message."""

    list_display = ("name", "token_prefix", "is_active", "created_at", "last_event_at")
    fields = ("name", "is_active", "token_prefix", "last_event_at")
    readonly_fields = ("token_prefix", "last_event_at")
    actions = ["new_token"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token = services.assign_token(obj)
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            _("Token for %(name)s (shown only now): %(token)s — PBX URL: /api/v1/cti/%(token)s")
            % {"name": obj.name, "token": token},
        )

    @admin.action(description=_("Replace the token (the old one stops working)"))
    def new_token(self, request: HttpRequest, queryset: Any) -> None:
        for integration in queryset:
            token = services.set_new_token(integration=integration)
            messages.warning(
                request,
                _("New token for %(name)s (shown only now): %(token)s")
                % {"name": integration.name, "token": token},
            )


@admin.register(AgentLine)
class AgentLineAdmin(admin.ModelAdmin):
    list_display = ("number", "agent")
    search_fields = ("number", "agent__username")
    raw_id_fields = ("agent",)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "direction",
        "from_number",
        "to_number",
        "state",
        "cause",
        "agent",
        "contact",
        "ticket",
        "callback",
    )
    list_filter = ("direction", "state", "callback", "source")
    search_fields = ("call_id", "from_number", "to_number", "customer_number")
    raw_id_fields = ("contact", "organization", "ticket", "agent", "callback_by", "logged_by")
    filter_horizontal = ("offered_to",)
    date_hierarchy = "started_at"
