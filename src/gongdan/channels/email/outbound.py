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
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation

from gongdan.accounts.models import User
from gongdan.audit.services import audit_record
from gongdan.channels.email import mailtemplates
from gongdan.channels.email.mailtemplates import Rendered
from gongdan.channels.email.models import InboundMessage, OutboundMessage
from gongdan.jobs.tasks import job
from gongdan.notifications.choices import ChannelName, Kind
from gongdan.notifications.services import register_channel
from gongdan.tickets import timeline
from gongdan.tickets.models import Comment, Ticket

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


def render(user: User, kind: str, ticket: Ticket | None, data: dict[str, Any]) -> Rendered:
    """Subject, plain-text and (if the admins wrote one) HTML body in ``user``'s language, from
    the admins' template for this mail or the shipped default (``mailtemplates.py``)."""
    language = mailtemplates.language_of(user.language)
    key = kind
    if kind == Kind.STATUS_CHANGED and data.get("new") == "resolved" and not user.is_staff_member:
        key = mailtemplates.RESOLVED
    with translation.override(language):
        reply = _latest_public_reply(ticket) if ticket and kind == Kind.STAFF_REPLIED else None
        values = mailtemplates.ticket_values(
            user=user, kind=kind, ticket=ticket, data=data, reply=reply.body if reply else ""
        )
        return mailtemplates.render_mail(key, language, values)


def mail_failure_record(
    *, ticket: Ticket, to: str, subject: str, kind: str, error: str, attempts: int
) -> None:
    """The last attempt to mail ``to`` about ``ticket`` failed: say so on the ticket's timeline
    (an internal entry: it names the address) and in the audit log, in one transaction."""
    data = {
        "to": to,
        "subject": subject,
        "kind": kind,
        "error": error[:1000],
        "attempts": attempts,
    }
    with transaction.atomic():
        timeline.mail_failed(ticket, data=data, at=timezone.now())
        audit_record(actor=None, action="mail.failed", obj=ticket, data=data)


@job(context=True)
def deliver_email(
    user_id: int,
    kind: str,
    ticket_id: int | None,
    data: dict[str, Any],
    task: Any = None,
) -> str:
    """Send one notification by mail (retried with backoff). A final failure is a FailedTask
    and, for a mail about a ticket, an internal timeline entry with the address and the error."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    rendered = render(user, kind, ticket, data)
    subject = rendered.subject
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
    mail = EmailMultiAlternatives(
        subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers
    )
    if rendered.html:
        mail.attach_alternative(rendered.html, "text/html")
    try:
        mail.send(fail_silently=False)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        OutboundMessage.objects.filter(pk=record.pk).update(error=error)
        if ticket is not None and (task is None or not task.retries):
            attempts = (task.default_retries if task is not None else 0) + 1
            mail_failure_record(
                ticket=ticket,
                to=user.email,
                subject=subject,
                kind=kind,
                error=error,
                attempts=attempts,
            )
        raise
    OutboundMessage.objects.filter(pk=record.pk).update(sent_at=timezone.now())
    return message_id


def enabled() -> bool:
    return bool(getattr(settings, "GONGDAN_EMAIL_ENABLED", False))


def register() -> None:
    register_channel(ChannelName.EMAIL, deliver_email)


if enabled():
    register()
