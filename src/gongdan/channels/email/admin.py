"""Admins configure mailboxes and domain mappings, and see (and retry) quarantined mail."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongdan.audit.services import audit_record
from gongdan.channels.email.intake import retry
from gongdan.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    MailDomain,
    OutboundMessage,
)


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password."),
    )
    new_secret = forms.BooleanField(
        label=_("Make a new inbound secret"),
        required=False,
        help_text=_("Shown once after saving; MTAs send it as 'Authorization: Bearer …'."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "team",
            "ticket_type",
            "is_active",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_username",
            "imap_password",
            "imap_folder",
            "poll_minutes",
        ]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "address",
        "team",
        "ticket_type",
        "is_active",
        "imap_host",
        "last_error",
    ]
    readonly_fields = ["last_uid", "uid_validity", "last_error"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and not form.cleaned_data.get("imap_password"):
            obj.imap_password = Mailbox.objects.get(pk=obj.pk).imap_password
        secret = None
        if form.cleaned_data.get("new_secret") or not obj.secret_hash:
            secret = secrets.token_urlsafe(32)
            obj.secret_hash = hashlib.sha256(secret.encode()).hexdigest()
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="mailbox.saved", obj=obj, data={})
        if secret:
            messages.warning(
                request,
                _("Inbound secret for %(box)s (shown once): %(secret)s")
                % {"box": obj.address, "secret": secret},
            )


@admin.register(MailDomain)
class MailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "organization"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "status", "reason", "ticket", "attempts"]
    list_filter = ["status", "reason", "mailbox"]
    search_fields = ["sender", "subject", "message_key"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields if f.name != "raw"]
    exclude = ["raw"]
    actions = ["retry_quarantined"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Process the selected quarantined messages again"))
    def retry_quarantined(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        done = 0
        for message in queryset.filter(status=InboundStatus.QUARANTINED):
            retry(message)
            audit_record(actor=request.user, action="mail.retried", obj=message, data={})
            done += message.status != InboundStatus.QUARANTINED
        self.message_user(
            request,
            ngettext("%(n)d message processed.", "%(n)d messages processed.", done) % {"n": done},
        )


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "kind", "sent_at", "error"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
