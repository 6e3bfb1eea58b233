from django.contrib import admin

from tierdesk.forum.models import Post, Topic


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("author", "state", "created_at", "promoted_article")
    readonly_fields = ("author", "created_at", "promoted_article")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "state", "answer_count", "last_activity_at")
    list_filter = ("state", "language", "category")
    search_fields = ("title", "body")
    inlines = [PostInline]
    raw_id_fields = ("author", "accepted_post", "moderated_by")
