from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tierdesk.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "tier", "is_active")
    list_filter = ("role", "tier", "teams", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Support desk"), {"fields": ("role", "tier", "teams", "language", "timezone")}),
    )
    filter_horizontal = ("groups", "user_permissions", "teams")
