"""Mailbox administration (admins only): create, change, rotate the inbound secret, retry mail."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.audit.services import audit_record
from gongdan.channels.email.intake import retry
from gongdan.channels.email.models import InboundMessage, InboundStatus, Mailbox, Security
from gongdan.channels.policies import require_channel_manager
from gongdan.core.errors import Conflict, NotFound, ValidationFailed
from gongdan.tickets.models import TicketType

EDITABLE = (
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
)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("mailbox.invalid", message, fields={field: message})


def _resolve(out: dict[str, Any]) -> None:
    """Ids of the team and the ticket type become rows (unknown ids are field errors)."""
    if "team" in out and out["team"] is not None:
        out["team"] = Team.objects.filter(pk=out["team"]).first()
        if out["team"] is None:
            raise _invalid("team", _("Unknown team."))
    if "ticket_type" in out and out["ticket_type"] is not None:
        out["ticket_type"] = TicketType.objects.filter(
            pk=out["ticket_type"], is_active=True
        ).first()
        if out["ticket_type"] is None:
            raise _invalid("ticket_type", _("Unknown ticket type."))


def _clean(values: dict[str, Any], current: Mailbox | None) -> dict[str, Any]:
    """Check the editable values; returns them with rows for the referenced ids."""
    out = dict(values)
    _resolve(out)
    if "imap_security" in out and out["imap_security"] not in Security.values:
        raise _invalid("imap_security", _("Choose ssl, starttls or none."))
    if "imap_port" in out and not 1 <= int(out["imap_port"]) <= 65535:
        raise _invalid("imap_port", _("A port is between 1 and 65535."))
    if "poll_minutes" in out and not 1 <= int(out["poll_minutes"]) <= 1440:
        raise _invalid("poll_minutes", _("Between 1 and 1440 minutes."))
    host = out.get("imap_host", current.imap_host if current else "")
    user = out.get("imap_username", current.imap_username if current else "")
    if host and not user:
        raise _invalid("imap_username", _("An IMAP mailbox needs a user name."))
    address = out.get("address")
    if address is not None:
        out["address"] = address.strip().lower()
        if "@" not in out["address"]:
            raise _invalid("address", _("Enter a valid email address."))
    return out


def _save(mailbox: Mailbox) -> None:
    try:
        with transaction.atomic():
            mailbox.save()
    except IntegrityError as exc:
        raise _invalid("address", _("Another mailbox has this address.")) from exc


def _secret(mailbox: Mailbox) -> str:
    secret = secrets.token_urlsafe(32)
    mailbox.secret_hash = hashlib.sha256(secret.encode()).hexdigest()
    return secret


def mailbox_create(*, actor: User, **values: Any) -> tuple[Mailbox, str]:
    """A new mailbox and its inbound secret (returned in full this once)."""
    require_channel_manager(actor)
    values = _clean({k: v for k, v in values.items() if k in EDITABLE}, None)
    if not values.get("name") or not values.get("address"):
        raise _invalid("address", _("A mailbox needs a name and an address."))
    mailbox = Mailbox(**values)
    secret = _secret(mailbox)
    _save(mailbox)
    audit_record(
        actor=actor, action="mailbox.created", obj=mailbox, data={"address": mailbox.address}
    )
    return mailbox, secret


def mailbox_get(*, actor: User, mailbox_id: int) -> Mailbox:
    require_channel_manager(actor)
    mailbox = Mailbox.objects.select_related("team", "ticket_type").filter(pk=mailbox_id).first()
    if mailbox is None:
        raise NotFound("mailbox.not_found", _("Mailbox not found."))
    return mailbox


def mailbox_update(*, actor: User, mailbox_id: int, changes: dict[str, Any]) -> Mailbox:
    mailbox = mailbox_get(actor=actor, mailbox_id=mailbox_id)
    changes = _clean({k: v for k, v in changes.items() if k in EDITABLE}, mailbox)
    for field, value in changes.items():
        setattr(mailbox, field, value)
    _save(mailbox)
    fields = sorted(k for k in changes if k != "imap_password")
    audit_record(actor=actor, action="mailbox.updated", obj=mailbox, data={"fields": fields})
    return mailbox


def mailbox_rotate_secret(*, actor: User, mailbox_id: int) -> tuple[Mailbox, str]:
    mailbox = mailbox_get(actor=actor, mailbox_id=mailbox_id)
    secret = _secret(mailbox)
    mailbox.save(update_fields=["secret_hash"])
    audit_record(actor=actor, action="mailbox.secret_rotated", obj=mailbox, data={})
    return mailbox, secret


def inbound_retry(*, actor: User, message_id: int) -> InboundMessage:
    """Process a quarantined message again (after the cause was fixed)."""
    require_channel_manager(actor)
    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound("mail.not_found", _("Message not found."))
    if message.status != InboundStatus.QUARANTINED:
        raise Conflict("mail.not_quarantined", _("Only a quarantined message can be retried."))
    retry(message)
    audit_record(actor=actor, action="mail.retried", obj=message, data={"status": message.status})
    return message
