from django.contrib import admin

from tierdesk.billing.models import Quote, TimeCharge


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    """Quotes are created and decided through the services (workspace, portal, signed link)."""

    list_display = ("ticket", "tier", "estimated_minutes", "amount", "currency", "status")
    list_filter = ("status", "tier")
    list_select_related = ("ticket", "tier")
    search_fields = ("ticket__number",)
    readonly_fields = [f.name for f in Quote._meta.fields]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(TimeCharge)
class TimeChargeAdmin(admin.ModelAdmin):
    list_display = ("entry", "organization", "month", "basis", "billable_minutes", "amount")
    list_filter = ("basis", "month")
    list_select_related = ("entry", "organization")
    readonly_fields = [f.name for f in TimeCharge._meta.fields]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
