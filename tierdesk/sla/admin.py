from django.contrib import admin

from tierdesk.sla.models import (
    BusinessCalendar,
    CalendarException,
    SlaClock,
    SlaPolicy,
    TierTarget,
)


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "is_24x7", "holiday_country")
    inlines = [CalendarExceptionInline]


class TierTargetInline(admin.TabularInline):
    model = TierTarget
    extra = 1


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "plan",
        "priority",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "escalation_grace_minutes",
        "pause_on_pending_vendor",
    )
    list_filter = ("plan", "priority")
    list_select_related = ("plan",)
    inlines = [TierTargetInline]


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    """Read-only: clocks move only through the ticket lifecycle and the SLA jobs."""

    list_display = ("ticket", "kind", "tier", "state", "due_at", "breached_at", "next_check_at")
    list_filter = ("kind", "state")
    list_select_related = ("ticket", "tier")
    raw_id_fields = ("ticket",)
    search_fields = ("ticket__number",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
