"""Mail out: the ``email`` notification channel. ``notify()`` decides who hears what; this module
only renders the message in the reader's language and sends it through Django's SMTP backend.

Every mail about a ticket carries ``[number]`` in the subject and Message-ID / In-Reply-To /
References that thread it with the ticket's earlier mail, so mail clients keep one conversation
and a reply finds its ticket again. Our mail says ``Auto-Submitted: auto-generated`` (RFC 3834):
autoresponders stay quiet, and another helpdesk (or this one) never answers it — no loops.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from gongdan.accounts.models import User
from gongdan.channels.email.models import InboundMessage, OutboundMessage
from gongdan.jobs.tasks import job
from gongdan.notifications.choices import ChannelName, Kind
from gongdan.notifications.services import register_channel
from gongdan.tickets.models import Comment, Ticket
from gongdan.tickets.services.action_links import action_link

logger = logging.getLogger(__name__)


def mail_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(" >")
    return sender.rsplit("@", 1)[-1] if "@" in sender else "gongdan.local"


def _thread_headers(ticket: Ticket | None) -> dict[str, str]:
    if ticket is None:
        return {}
    earlier = list(
        OutboundMessage.objects.filter(ticket=ticket)
        .order_by("-created_at", "-pk")
        .values_list("message_id", flat=True)[:8]
    )
    first_in = (
        InboundMessage.objects.filter(ticket=ticket, message_key__startswith="<")
        .order_by("received_at", "pk")
        .values_list("message_key", flat=True)
        .first()
    )
    refs = ([first_in] if first_in else []) + list(reversed(earlier))
    if not refs:
        return {}
    return {"In-Reply-To": refs[-1], "References": " ".join(refs)}


def _latest_public_reply(ticket: Ticket) -> Comment | None:
    return (
        Comment.objects.filter(ticket=ticket, is_internal=False)
        .order_by("-created_at", "-pk")
        .first()
    )


def render(user: User, kind: str, ticket: Ticket | None, data: dict[str, Any]) -> tuple[str, str]:
    """Subject and plain-text body in ``user``'s language."""
    from gongdan.notifications.models import Notification
    from gongdan.notifications.presenters import notification_text

    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        sentence = notification_text(Notification(recipient=user, kind=kind, data=data))
        subject = f"[{ticket.number}] {ticket.title}" if ticket is not None else sentence
        site = settings.SITE_URL
        if ticket is None:
            link = ""
        elif user.is_staff_member:
            link = f"{site}/desk/tickets/{ticket.number}/"
        else:
            link = f"{site}/portal/tickets/{ticket.number}/"
        reply = _latest_public_reply(ticket) if ticket and kind == Kind.STAFF_REPLIED else None
        resolved = data.get("new") == "resolved"
        actions = {}
        if resolved and ticket is not None and not user.is_staff_member:
            actions = {
                name: action_link(user=user, ticket=ticket, action=name)
                for name in ("confirm", "reopen")
            }
        body = render_to_string(
            "email_channel/notification.txt",
            {
                "sentence": sentence,
                "ticket": ticket,
                "link": link,
                "lookup": f"{site}/portal/lookup/",
                "reply": reply,
                "customer": not user.is_staff_member,
                "resolved": resolved,
                "actions": actions,
                "received": kind == Kind.TICKET_RECEIVED,
            },
        )
    return subject[:500], body


@job()
def deliver_email(user_id: int, kind: str, ticket_id: int | None, data: dict[str, Any]) -> str:
    """Send one notification by mail (retried with backoff; a final failure is a FailedTask)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    subject, body = render(user, kind, ticket, data)
    message_id = make_msgid(idstring=f"gd{ticket.pk if ticket else 0}", domain=mail_domain())
    headers = {
        "Message-ID": message_id,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        **_thread_headers(ticket),
    }
    record = OutboundMessage.objects.create(
        ticket=ticket, message_id=message_id, to=user.email, subject=subject, kind=kind
    )
    mail = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers)
    try:
        mail.send(fail_silently=False)
    except Exception as exc:
        OutboundMessage.objects.filter(pk=record.pk).update(error=f"{type(exc).__name__}: {exc}")
        raise
    OutboundMessage.objects.filter(pk=record.pk).update(sent_at=timezone.now())
    return message_id


def enabled() -> bool:
    return bool(getattr(settings, "GONGDAN_EMAIL_ENABLED", False))


def register() -> None:
    register_channel(ChannelName.EMAIL, deliver_email)


if enabled():
    register()
