"""Mailbox administration (admins only): create, change, rotate the inbound secret, retry mail."""

from __future__ import annotations

import hashlib
import imaplib
import re
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.audit.services import audit_record
from gongdan.channels.email import imap
from gongdan.channels.email.intake import retry
from gongdan.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    MailDomain,
    Security,
)
from gongdan.channels.email.tasks import poll_mailbox
from gongdan.channels.policies import require_channel_manager
from gongdan.core.errors import Conflict, NotFound, ValidationFailed
from gongdan.core.events import enqueue_on_commit
from gongdan.customers.models import Organization
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


# --- pages: lists, checks and mail domains -----------------------------------------------------


def mailbox_list(*, actor: User) -> list[Mailbox]:
    """Every mailbox with its team, ticket type and number of quarantined messages (one query)."""
    require_channel_manager(actor)
    quarantined = (
        InboundMessage.objects.filter(mailbox=OuterRef("pk"), status=InboundStatus.QUARANTINED)
        .order_by()
        .values("mailbox")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Mailbox.objects.select_related("team", "ticket_type")
        .annotate(quarantined=Coalesce(Subquery(quarantined), 0))
        .order_by("name", "pk")
    )


def mailbox_check(*, actor: User, mailbox_id: int) -> int:
    """Log in to the mailbox's IMAP server and open its folder; returns the messages in it.

    A failure raises ``Conflict("mailbox.unreachable")`` with the server's or network's error.
    """
    mailbox = mailbox_get(actor=actor, mailbox_id=mailbox_id)
    if not mailbox.imap_host:
        raise Conflict("mailbox.no_imap", _("This mailbox receives piped mail; it has no IMAP."))
    try:
        return imap.check(mailbox)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise Conflict(
            "mailbox.unreachable",
            _("The IMAP server could not be used: %(error)s") % {"error": f"{exc}"[:300]},
        ) from exc


def mailbox_fetch_now(*, actor: User, mailbox_id: int) -> Mailbox:
    """Queue a fetch of the mailbox now (the same job the poller runs)."""
    mailbox = mailbox_get(actor=actor, mailbox_id=mailbox_id)
    if not mailbox.imap_host:
        raise Conflict("mailbox.no_imap", _("This mailbox receives piped mail; it has no IMAP."))
    if not mailbox.is_active:
        raise Conflict("mailbox.inactive", _("Activate the mailbox first."))
    enqueue_on_commit(poll_mailbox, mailbox.pk)
    return mailbox


def inbound_list(
    *, actor: User, status: str = "", mailbox_id: int | None = None, limit: int = 100
) -> list[InboundMessage]:
    """Received mail, newest first, without the raw bytes."""
    require_channel_manager(actor)
    qs = (
        InboundMessage.objects.select_related("ticket", "mailbox")
        .defer("raw")
        .order_by("-received_at", "-pk")
    )
    if status:
        qs = qs.filter(status=status)
    if mailbox_id is not None:
        qs = qs.filter(mailbox_id=mailbox_id)
    return list(qs[:limit])


def inbound_raw(*, actor: User, message_id: int) -> InboundMessage:
    """One received message with its raw bytes (to download and inspect)."""
    require_channel_manager(actor)
    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound("mail.not_found", _("Message not found."))
    return message


DOMAIN = re.compile(r"^(?=.{1,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def maildomain_list(*, actor: User) -> list[MailDomain]:
    require_channel_manager(actor)
    return list(MailDomain.objects.select_related("organization").order_by("domain"))


def maildomain_create(*, actor: User, domain: str, organization_id: int) -> MailDomain:
    """Mail from ``domain`` places new contacts in the organization."""
    require_channel_manager(actor)
    name = domain.strip().lower().removeprefix("@")
    if not DOMAIN.match(name):
        raise ValidationFailed(
            "maildomain.invalid",
            _("Enter a domain such as example.com."),
            fields={"domain": _("Enter a domain such as example.com.")},
        )
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise ValidationFailed(
            "maildomain.invalid",
            _("Unknown organization."),
            fields={"organization": _("Unknown organization.")},
        )
    try:
        with transaction.atomic():
            row = MailDomain.objects.create(domain=name, organization=organization)
    except IntegrityError as exc:
        raise ValidationFailed(
            "maildomain.taken",
            _("This domain already belongs to an organization."),
            fields={"domain": _("This domain already belongs to an organization.")},
        ) from exc
    audit_record(actor=actor, action="maildomain.created", obj=row, data={"domain": name})
    return row


def maildomain_delete(*, actor: User, domain_id: int) -> None:
    require_channel_manager(actor)
    row = MailDomain.objects.filter(pk=domain_id).first()
    if row is None:
        raise NotFound("maildomain.not_found", _("Mail domain not found."))
    audit_record(actor=actor, action="maildomain.deleted", obj=row, data={"domain": row.domain})
    row.delete()
