from django.contrib import admin

from tierdesk.tickets.models import AuditEvent, Entry, Escalation, Ticket, TimeEntry, WorkApproval


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class EntryInline(ReadOnlyInline):
    model = Entry
    fields = ("created_at", "kind", "is_public", "author_user", "author_contact", "body_text")


class EscalationInline(ReadOnlyInline):
    model = Escalation
    fields = ("created_at", "kind", "from_tier", "to_tier", "problem", "by_user", "accepted_by")


class AuditInline(ReadOnlyInline):
    model = AuditEvent
    fields = ("created_at", "action", "actor", "actor_contact", "changes", "version")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only in the admin: tickets change only through the lifecycle (agent workspace, API)."""

    list_display = ("number", "subject", "status", "tier", "priority", "organization", "created_at")
    list_filter = ("status", "tier", "priority", "entitlement", "channel")
    search_fields = ("number", "subject", "requester__email", "requester__name")
    inlines = [EntryInline, EscalationInline, AuditInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("ticket", "agent", "tier", "minutes", "billable", "work_date")
    list_filter = ("billable", "tier")


@admin.register(WorkApproval)
class WorkApprovalAdmin(admin.ModelAdmin):
    list_display = (
        "ticket",
        "tier",
        "kind",
        "approved_by_user",
        "approved_by_contact",
        "created_at",
    )
