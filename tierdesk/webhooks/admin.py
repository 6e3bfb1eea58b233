from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from tierdesk.webhooks import ssrf
from tierdesk.webhooks.models import Attempt, Delivery, Subscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = Subscription
        fields = ("name", "url", "events", "secret", "is_active", "allow_private_network")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        url = data.get("url")
        if url:
            # The same SSRF rule as the API: a private target needs the explicit opt-in.
            try:
                ssrf.check_target(url, allow_private=bool(data.get("allow_private_network")))
            except ssrf.TargetRefused as exc:
                self.add_error("url", exc.message)
        return data


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("name", "url", "is_active", "allow_private_network", "created_at")
    list_filter = ("is_active", "allow_private_network")
    search_fields = ("name", "url")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_admin_role", False))

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "duration_ms", "status_code", "succeeded", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "subscription", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event", "subscription")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [AttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
