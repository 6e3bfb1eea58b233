from django.contrib import admin

from tierdesk.kb.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "visibility", "offered_count", "resolved_count")
    list_filter = ("language", "visibility", "categories")
    search_fields = ("title", "symptoms", "cause", "resolution")
