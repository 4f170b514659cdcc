"""``call_log``: one write path for the "Log a call" page and ``POST /api/v1/calls``."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongdan.accounts.models import User, mobile_validator
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.customers.models import Contact
from gongdan.customers.services import contact_find_or_create, normalize_mobile
from gongdan.tickets import policies
from gongdan.tickets.choices import OPEN_STATUSES, Channel, Priority
from gongdan.tickets.models import Comment, Ticket, TicketType
from gongdan.tickets.services import comment_create, ticket_create
from gongdan.tickets.services._common import require_staff


class CallKind(models.TextChoices):
    TICKET = "ticket", gettext_lazy("New ticket")
    REPLY = "reply", gettext_lazy("Public reply on an open ticket")
    NOTE = "note", gettext_lazy("Internal note on an open ticket")


@dataclass(frozen=True)
class CallResult:
    contact: Contact
    contact_created: bool
    ticket: Ticket
    comment: Comment | None


def caller_number(number: str) -> str:
    """The normalised number, or ``ValidationFailed("call.invalid")`` naming ``number``."""
    digits = normalize_mobile(number)
    try:
        mobile_validator(digits)
    except ValidationError:
        message = _("Enter a valid phone number.")
        raise ValidationFailed("call.invalid", message, fields={"number": message}) from None
    return digits


def _callers_ticket(actor: User, contact: Contact, number: str) -> Ticket:
    ticket = Ticket.objects.filter(number=number.strip()).first() if number.strip() else None
    if ticket is None or not policies.can_see(actor, ticket):
        raise NotFound("ticket.not_found", _("Ticket not found."))
    if ticket.requester_id != contact.pk or ticket.status not in OPEN_STATUSES:
        message = _("Choose one of the caller's open tickets.")
        raise ValidationFailed("call.invalid_ticket", message, fields={"ticket": message})
    return ticket


def call_log(
    *,
    actor: User,
    number: str,
    kind: str = CallKind.TICKET,
    name: str = "",
    ticket_number: str = "",
    title: str = "",
    body: str = "",
    ticket_type: TicketType | None = None,
    priority: str = Priority.NORMAL,
) -> CallResult:
    """Log a call from ``number`` (staff only): a new ticket, or a reply / internal note on one
    of the caller's open tickets, written with channel ``phone``.

    The caller is the oldest contact with that mobile number (``+86``, spaces and dashes ignored);
    an unknown number becomes a new contact named ``name``. Contact and ticket or comment are
    written in one transaction. A ticket the actor may not see is 404.
    """
    require_staff(actor)
    digits = caller_number(number)
    if kind not in CallKind.values:
        message = _("Choose what to do with the call.")
        raise ValidationFailed("call.invalid", message, fields={"kind": message})
    with transaction.atomic():
        contact, created = contact_find_or_create(
            actor=actor, via="phone", name=name, mobile=digits
        )
        if kind == CallKind.TICKET:
            ticket = ticket_create(
                actor=actor,
                requester=contact,
                title=title,
                description=body,
                ticket_type=ticket_type,
                priority=priority,
                channel=Channel.PHONE,
            )
            return CallResult(contact, created, ticket, None)
        ticket = _callers_ticket(actor, contact, ticket_number)
        comment = comment_create(
            actor=actor,
            ticket=ticket,
            body=body,
            is_internal=kind == CallKind.NOTE,
            channel=Channel.PHONE,
        )
    return CallResult(contact, created, ticket, comment)
