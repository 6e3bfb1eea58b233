from django.contrib import admin

from tierdesk.contracts.models import Contract, SupportPlan


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "covered_up_to", "included_hours_per_month", "calendar")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("organization", "plan", "number", "starts_on", "ends_on")
    list_filter = ("plan",)
    search_fields = ("organization__name", "number")
