from django.contrib import admin

from tierdesk.sla.models import BusinessCalendar


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "is_24x7", "holiday_country")
