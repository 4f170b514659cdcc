"""Mail in: store once, then make a ticket or a reply — or ignore noise, or quarantine.

``receive`` stores the raw message under its key (Message-ID, else a content hash), so fetching
a mailbox again, a re-delivery, or one mail reaching two mailboxes makes one ticket. ``process``
parses and acts in one transaction; an exception rolls the ticket work back and marks the message
``quarantined`` with its error — the rest of the mailbox goes on — and ``retry`` runs it again
after a fix. Automatic mail (auto-replies, bounces, lists) never makes a ticket or a reply; it
is ignored with its reason. A person's mail is never dropped silently: mail that cannot be parsed
(``parse_error``), has no sender (``no_sender``) or comes from staff without naming a ticket
(``staff_without_ticket``) is quarantined, where admins see it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    MailDomain,
    OutboundMessage,
)
from gongdan.channels.email.parse import MailFile, ParsedMail, parse, trim_reply
from gongdan.core.errors import DomainError
from gongdan.customers.models import Contact, Organization
from gongdan.customers.services import contact_find_or_create, contact_login
from gongdan.tickets import policies
from gongdan.tickets.choices import FINAL_STATUSES, Channel
from gongdan.tickets.models import Ticket
from gongdan.tickets.services import comment_create, ticket_create, watchers_copied_add
from gongdan.tickets.services.attachments import validate_upload

logger = logging.getLogger(__name__)
TITLE_MAX = 200


def sender_limit() -> int:
    """Messages one sender may have processed per hour before the rest are ignored."""
    return int(getattr(settings, "GONGDAN_MAIL_SENDER_LIMIT_PER_HOUR", 30))


def own_addresses() -> set[str]:
    addresses = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    default = getattr(settings, "DEFAULT_FROM_EMAIL", "")
    if default:
        addresses.add(default.rsplit("<", 1)[-1].strip(" >").lower())
    return addresses


def content_key(raw: bytes) -> str:
    """The key of a message without a usable Message-ID: a hash of its bytes."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def receive(raw: bytes, *, mailbox: Mailbox | None) -> tuple[InboundMessage, bool]:
    """Store ``raw`` once and process it; returns (message, whether it was new).

    Never raises for what the message contains: one that cannot be parsed at all is stored under
    the hash of its bytes and quarantined (``parse_error``), so it is never lost and an admin
    sees it in the quarantine list."""
    try:
        parsed: ParsedMail | None = parse(raw)
    except Exception:  # a parser bug met this message: keep it, quarantine it below
        logger.exception("inbound mail could not be parsed")
        parsed = None
    key = parsed.key if parsed is not None else content_key(raw)
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                mailbox=mailbox,
                message_key=key,
                raw=raw,
                sender=parsed.sender[:254] if parsed is not None else "",
                subject=parsed.subject[:500] if parsed is not None else "",
            )
    except IntegrityError:
        return InboundMessage.objects.get(message_key=key), False
    process(message, parsed=parsed)
    return message, True


def retry(message: InboundMessage) -> InboundMessage:
    """Process a quarantined message again (an admin fixed the cause)."""
    if message.status != InboundStatus.QUARANTINED:
        return message
    process(message)
    return message


def process(message: InboundMessage, *, parsed: ParsedMail | None = None) -> None:
    """Parse (unless given) and act in one transaction; any exception quarantines the message
    (``parse_error`` when parsing failed, else the exception's name) with its traceback."""
    message.attempts += 1
    try:
        parsed = parsed or parse(bytes(message.raw))
    except Exception as exc:  # a poison message never blocks the mailbox
        _quarantine(message, "parse_error", exc)
        return
    try:
        with transaction.atomic():
            status, reason, ticket = _act(message, parsed)
    except Exception as exc:  # a poison message never blocks the mailbox
        _quarantine(message, type(exc).__name__[:100], exc)
        return
    message.status, message.reason, message.ticket = status, reason, ticket
    message.error = ""
    message.processed_at = timezone.now()
    message.save(update_fields=["status", "reason", "error", "ticket", "attempts", "processed_at"])


def _quarantine(message: InboundMessage, reason: str, exc: Exception) -> None:
    logger.exception("inbound mail %s quarantined", message.pk)
    message.status = InboundStatus.QUARANTINED
    message.reason = reason
    message.error = "".join(traceback.format_exception(exc))[-4000:]
    message.processed_at = timezone.now()
    message.save(update_fields=["status", "reason", "error", "attempts", "processed_at"])


def _noise(message: InboundMessage, parsed: ParsedMail, own: set[str]) -> str:
    if not parsed.sender or "@" not in parsed.sender:
        return "no_sender"
    if parsed.auto_reason:
        return parsed.auto_reason
    if parsed.sender in own:
        return "own_address"
    since = timezone.now() - timedelta(hours=1)
    recent = (
        InboundMessage.objects.filter(sender=parsed.sender, received_at__gte=since)
        .exclude(pk=message.pk)
        .exclude(status__in=[InboundStatus.IGNORED, InboundStatus.QUARANTINED])
        .count()
    )
    if recent >= sender_limit():
        return "rate_limited"
    return ""


def _act(message: InboundMessage, parsed: ParsedMail) -> tuple[str, str, Ticket | None]:
    own = own_addresses()
    reason = _noise(message, parsed, own)
    if reason == "no_sender":  # a person may have written it: an admin must see it
        return InboundStatus.QUARANTINED, reason, None
    if reason:  # automatic mail, our own, or a loop: recorded with its reason, no ticket
        return InboundStatus.IGNORED, reason, None
    user = _sender_login(parsed.sender, parsed.sender_name)
    files, refused = _files(parsed.files)
    ticket = _thread(parsed, user)
    if ticket is None and user.is_staff_member:  # not a ticket: an admin decides
        return InboundStatus.QUARANTINED, "staff_without_ticket", None
    if ticket is not None:
        body = trim_reply(parsed.text)
        try:
            comment_create(
                actor=user,
                ticket=ticket,
                body=_with_notes(body, refused, parsed),
                attachments=files,
                channel=Channel.EMAIL,
            )
        except DomainError:
            ticket = None  # e.g. closed meanwhile: the mail becomes a new ticket below
        else:
            _watch(ticket, parsed, own, user)
            return InboundStatus.REPLY, "", ticket
    mailbox = message.mailbox
    ticket = ticket_create(
        actor=user,
        title=(parsed.subject or _("(no subject)"))[:TITLE_MAX],
        description=_with_notes(parsed.text, refused, parsed),
        ticket_type=mailbox.ticket_type if mailbox else None,
        channel=Channel.EMAIL,
        attachments=files,
        _intake_team=mailbox.team if mailbox else None,
    )
    _watch(ticket, parsed, own, user)
    return InboundStatus.TICKET, "", ticket


def _with_notes(text: str, refused: list[str], parsed: ParsedMail) -> str:
    notes = [*refused, *parsed.notes]
    if not notes:
        return text
    return (text + "\n\n" if text else "") + "\n".join(f"[{n}]" for n in notes)


def _files(files: list[MailFile]) -> tuple[list[SimpleUploadedFile], list[str]]:
    """Files the desk accepts; each refused one becomes a note in the text instead."""
    ok, refused = [], []
    for f in files:
        upload = SimpleUploadedFile(f.name, f.data, content_type=f.content_type)
        try:
            validate_upload(upload)
        except DomainError as exc:
            refused.append(f"{f.name}: {exc.message}")
            continue
        ok.append(upload)
    return ok, refused


def _thread(parsed: ParsedMail, user: User) -> Ticket | None:
    """The ticket this mail answers, if the sender may see it and it is not closed."""
    ids = [*parsed.in_reply_to, *parsed.references]
    ticket = None
    if ids:
        ours = OutboundMessage.objects.filter(message_id__in=ids).exclude(ticket=None)
        ticket_id = ours.values_list("ticket_id", flat=True).first()
        if ticket_id is None:
            theirs = InboundMessage.objects.filter(message_key__in=ids).exclude(ticket=None)
            ticket_id = theirs.values_list("ticket_id", flat=True).first()
        if ticket_id is not None:
            ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        prefix = re.escape(getattr(settings, "GONGDAN_TICKET_PREFIX", "GD"))
        found = re.search(rf"\b({prefix}-\d{{8}}-\d{{4,}})\b", parsed.subject)
        if found:
            ticket = Ticket.objects.filter(number=found.group(1)).first()
    if ticket is None or ticket.status in FINAL_STATUSES or ticket.merged_into_id:
        return None
    if not policies.can_see(user, ticket):
        return None  # a stranger quoting a ticket number gets a ticket of their own
    return ticket


def _organization_for(address: str) -> object | None:
    """The organization of a sender's domain: a mail domain mapping, else an organization that
    lists the domain in its own "email domains" (comma-separated)."""
    domain = address.rsplit("@", 1)[-1].lower()
    row = MailDomain.objects.select_related("organization").filter(domain=domain).first()
    if row is not None:
        return row.organization
    for organization in Organization.objects.filter(
        is_active=True, email_domains__icontains=domain
    ).order_by("pk"):
        listed = organization.email_domains.lower().split(",")
        if domain in {d.strip().removeprefix("@") for d in listed}:
            return organization
    return None


def _contact(address: str, name: str) -> Contact:
    """The contact of an address on the mail: found by the intake rule (never one whose login
    did not prove the address), or made in its domain's organization."""
    contact, _created = contact_find_or_create(
        actor=None,
        via="email",
        name=name,
        email=address,
        organization_for=lambda: _organization_for(address),  # type: ignore[arg-type,return-value]
    )
    return contact


def _sender_login(address: str, name: str) -> User:
    """Who the mail acts as. Staff (by address) reply as themselves; a customer acts as the login
    of their contact, made without a usable password if needed, so that tickets and replies from
    mail follow the same rules as the portal's."""
    existing = User.objects.filter(email__iexact=address).first()
    if existing is not None and existing.is_staff_member:
        return existing
    return contact_login(contact=_contact(address, name), username=f"mail:{address}")


def _watch(ticket: Ticket, parsed: ParsedMail, own: set[str], sender: User) -> None:
    """People copied on the mail follow the ticket as watchers (never our own addresses),
    added by the sender through the tickets service (timeline entry and audit event each)."""
    own = own | {parsed.sender}
    addresses = [a for a in parsed.cc[:20] if a not in own and "@" in a]
    if addresses:
        contacts = [_contact(address, "") for address in addresses]
        watchers_copied_add(actor=sender, ticket=ticket, contacts=contacts)


def mailbox_for_secret(mailbox_id: int, secret: str) -> Mailbox | None:
    import hmac

    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None or not mailbox.secret_hash or not secret:
        return None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return mailbox if hmac.compare_digest(digest, mailbox.secret_hash) else None
