from django.contrib import admin

from tierdesk.kb.models import Article, Deflection


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "language",
        "visibility",
        "is_published",
        "offered_count",
        "opened_count",
        "resolved_count",
        "deflected_count",
    )
    list_filter = ("language", "visibility", "is_published", "categories")
    search_fields = ("title", "symptoms", "cause", "resolution")
    raw_id_fields = ("author", "source_ticket")
    filter_horizontal = ("categories",)


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "article", "contact", "channel", "query")
    list_filter = ("channel",)
    raw_id_fields = ("article", "contact", "category")
    date_hierarchy = "created_at"
