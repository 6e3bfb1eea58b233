from django.contrib import admin

from tierdesk.escalation.models import SlaAlert


@admin.register(SlaAlert)
class SlaAlertAdmin(admin.ModelAdmin):
    list_display = ("clock", "kind", "created_at", "outcome")
    list_filter = ("kind",)
    list_select_related = ("clock",)
    readonly_fields = ("clock", "kind", "created_at", "escalation", "outcome")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
