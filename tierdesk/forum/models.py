"""Community forum: topics (questions) and posts (answers) by customers and agents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierdesk.kb.models import LANGUAGES


class State(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")
    SPAM = "spam", _("Spam")


class Topic(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("question"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_topics",
    )
    category = models.ForeignKey(
        "categories.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_topics",
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="ru")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.VISIBLE
    )
    accepted_post = models.ForeignKey(
        "Post",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer_count = models.PositiveIntegerField(_("answers"), default=0)
    created_at = models.DateTimeField(_("created at"))
    last_activity_at = models.DateTimeField(_("last activity"))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("forum topic")
        verbose_name_plural = _("forum topics")
        indexes = [
            models.Index(fields=["state", "-last_activity_at", "-id"], name="forum_topic_list")
        ]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_posts",
    )
    body = models.TextField(_("answer"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.VISIBLE
    )
    promoted_article = models.ForeignKey(
        "kb.Article",
        verbose_name=_("promoted to article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("forum answer")
        verbose_name_plural = _("forum answers")
        indexes = [models.Index(fields=["topic", "state", "created_at"], name="forum_post_topic")]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.topic_id}"
