from django.contrib import admin

from tierdesk.categories.models import Category, IntakeField


class IntakeFieldInline(admin.TabularInline):
    model = IntakeField
    extra = 1


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "parent", "default_tier", "default_team", "is_active")
    list_filter = ("default_tier", "is_active")
    search_fields = ("name", "name_en")
    inlines = [IntakeFieldInline]
