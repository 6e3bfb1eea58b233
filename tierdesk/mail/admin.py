"""Admin: mailboxes (configuration), inbound messages (with re-process), the outbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tierdesk.mail import storage
from tierdesk.mail.models import (
    InboundMessage,
    InboundState,
    Mailbox,
    OutboundMessage,
    OutboundState,
)


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password."),
    )

    class Meta:
        model = Mailbox
        fields = (
            "name",
            "address",
            "is_active",
            "reply_from",
            "from_name",
            "send_acknowledgement",
            "default_category",
            "default_team",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_user",
            "imap_password",
            "imap_folder",
            "imap_processed_folder",
        )

    def clean_imap_password(self) -> str:
        value = self.cleaned_data.get("imap_password") or ""
        if not value and self.instance.pk:
            return self.instance.imap_password
        return value


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ("name", "address", "is_active", "imap_host", "last_polled_at", "last_error")
    list_filter = ("is_active",)
    search_fields = ("name", "address")
    readonly_fields = ("last_polled_at", "last_error")
    fieldsets = (
        (None, {"fields": ("name", "address", "is_active")}),
        (
            _("Replies"),
            {"fields": ("reply_from", "from_name", "send_acknowledgement")},
        ),
        (_("New tickets"), {"fields": ("default_category", "default_team")}),
        (
            _("IMAP polling"),
            {
                "fields": (
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_user",
                    "imap_password",
                    "imap_folder",
                    "imap_processed_folder",
                    "last_polled_at",
                    "last_error",
                )
            },
        ),
    )


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "mailbox", "from_email", "subject", "state", "ticket_link")
    list_filter = ("state", "mailbox", "source")
    search_fields = ("from_email", "subject", "message_id")
    date_hierarchy = "received_at"
    actions = ["reprocess_messages"]
    list_select_related = ("mailbox", "ticket")
    readonly_fields = [f.name for f in InboundMessage._meta.fields] + ["raw_link"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: InboundMessage) -> str:
        return (obj.ticket.number or "") if obj.ticket else ""

    @admin.display(description=_("raw message"))
    def raw_link(self, obj: InboundMessage) -> str | None:
        url = reverse("admin:mail_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">{} ({} bytes)</a>', url, _("download"), obj.size)

    def get_urls(self):  # type: ignore[no-untyped-def]
        extra = [
            path(
                "<int:pk>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="mail_inboundmessage_raw",
            )
        ]
        return extra + super().get_urls()

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        inbound = InboundMessage.objects.get(pk=pk)
        if not self.has_view_permission(request, inbound):
            return HttpResponse(status=403)
        response = HttpResponse(storage.read_raw(inbound.raw_path), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="inbound-{inbound.pk}.eml"'
        return response

    @admin.action(description=_("Re-process the selected messages"))
    def reprocess_messages(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        from tierdesk.mail.importer import reprocess

        done = failed = 0
        for inbound in queryset.exclude(state=InboundState.PROCESSED):
            result = reprocess(inbound=inbound)
            if result.inbound.state == InboundState.UNPROCESSABLE:
                failed += 1
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%d message processed.", "%d messages processed.", done) % done,
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%d message is still unprocessable.",
                    "%d messages are still unprocessable.",
                    failed,
                )
                % failed,
                messages.WARNING,
            )


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "subject", "recipients", "state", "attempts", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("subject", "message_id")
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("to"))
    def recipients(self, obj: OutboundMessage) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Send the selected failed messages again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        from tierdesk.mail.outbound import enqueue_send

        ids = list(
            queryset.filter(state__in=[OutboundState.FAILED, OutboundState.BOUNCED]).values_list(
                "pk", flat=True
            )
        )
        OutboundMessage.objects.filter(pk__in=ids).update(
            state=OutboundState.QUEUED, attempts=0, next_attempt_at=None
        )
        for pk in ids:
            enqueue_send(pk)
        self.message_user(
            request,
            ngettext("%d message queued again.", "%d messages queued again.", len(ids)) % len(ids),
            messages.SUCCESS,
        )
