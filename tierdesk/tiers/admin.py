from django.contrib import admin

from tierdesk.tiers.models import Team, Tier


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("level", "name", "name_en", "cost_rate", "billing_rate", "requires_approval")
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "skill", "supervisor")
    list_filter = ("tier",)
    search_fields = ("name", "skill")
