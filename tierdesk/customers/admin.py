from django.contrib import admin

from tierdesk.customers.models import Contact, ContactEmail, Organization


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "email_domains", "billing_allowed", "language")
    search_fields = ("name", "email_domains")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "phone", "organization", "is_org_manager", "language")
    list_filter = ("organization", "is_org_manager", "language")
    search_fields = ("name", "email", "phone", "mobile")
    raw_id_fields = ("user",)
    inlines = [ContactEmailInline]
