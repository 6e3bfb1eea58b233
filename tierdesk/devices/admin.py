from django.contrib import admin

from tierdesk.devices.models import Device, Vendor


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "turnaround_hours")
    search_fields = ("name", "email")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("model", "manufacturer", "serial_number", "organization", "warranty_end")
    list_filter = ("manufacturer", "organization")
    search_fields = ("model", "serial_number")
