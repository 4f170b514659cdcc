"""Mail in the admin, read-only: mailboxes and domain mappings are edited in the workspace
(Settings → Channels → Mailboxes, ``channels/email/pages.py``) and the API, through
``channels.email.services``; quarantined mail is retried through ``inbound_retry`` (audited)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongdan.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    MailDomain,
    OutboundMessage,
)
from gongdan.channels.email.services import inbound_retry
from gongdan.core.admin import ReadOnlyAdmin
from gongdan.core.errors import DomainError


@admin.register(Mailbox)
class MailboxAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "address",
        "team",
        "ticket_type",
        "is_active",
        "imap_host",
        "last_error",
    ]
    exclude = ["imap_password", "secret_hash"]


@admin.register(MailDomain)
class MailDomainAdmin(ReadOnlyAdmin):
    list_display = ["domain", "organization"]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "sender", "subject", "status", "reason", "ticket", "attempts"]
    list_filter = ["status", "reason", "mailbox"]
    search_fields = ["sender", "subject", "message_key"]
    exclude = ["raw"]
    actions = ["retry_quarantined"]

    @admin.action(description=_("Process the selected quarantined messages again"))
    def retry_quarantined(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        done = 0
        for message in queryset.filter(status=InboundStatus.QUARANTINED):
            try:
                retried = inbound_retry(actor=request.user, message_id=message.pk)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{message}: {exc.message}", messages.ERROR)
                continue
            done += retried.status != InboundStatus.QUARANTINED
        self.message_user(
            request,
            ngettext("%(n)d message processed.", "%(n)d messages processed.", done) % {"n": done},
        )


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "kind", "sent_at", "error"]
