"""Progress lookup without an account: a one-time code sent to the address that asked.

The submitter gives the ticket number and the email address or mobile number the ticket was
submitted with; a six-digit code goes to that address and opens a read-only, public view of that
one ticket. Neither function tells a caller whether a number/address pair exists: a request for
an unknown pair answers exactly like one for a known pair, and every failed verification raises
the same error.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from gongdan.core.errors import ValidationFailed
from gongdan.core.events import emit
from gongdan.tickets.models import LookupCode, Ticket

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5
EVENT_TYPE = "portal.lookup_code"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MOBILE = re.compile(r"^\+?[0-9]{6,20}$")
_CODE = re.compile(r"^[0-9]{6}$")


def normalize_number(number: str) -> str:
    return str(number or "").strip().upper()


def normalize_address(address: str) -> str:
    """Emails compare case-insensitively; mobile numbers lose spaces and dashes."""
    value = str(address or "").strip()
    if "@" in value:
        return value.lower()
    return re.sub(r"[\s-]", "", value)


def _clean_pair(number: str, address: str) -> tuple[str, str]:
    number, address = normalize_number(number), normalize_address(address)
    errors: dict[str, str] = {}
    if not number or len(number) > 32:
        errors["number"] = _("Enter the ticket number, for example GD-20260101-0001.")
    if not (_EMAIL.match(address) or _MOBILE.match(address)) or len(address) > 254:
        errors["address"] = _("Enter an email address or a mobile number.")
    if errors:
        raise ValidationFailed("lookup.invalid", next(iter(errors.values())), fields=errors)
    return number, address


def _hash(ticket_id: int, address: str, code: str) -> str:
    # Keyed with SECRET_KEY: six digits are too few to survive a stolen table unkeyed.
    return salted_hmac(
        "gongdan.lookup_code", f"{ticket_id}:{address}:{code}", algorithm="sha256"
    ).hexdigest()


def _matching_ticket(number: str, address: str) -> Ticket | None:
    """The ticket with ``number`` whose requester (contact or its login) has ``address``."""
    if "@" in address:
        owns = Q(requester__email__iexact=address) | Q(requester__user__email__iexact=address)
    else:
        owns = Q(requester__mobile=address) | Q(requester__user__mobile=address)
    return Ticket.objects.filter(owns, number=number).only("pk", "number").first()


def lookup_code_request(*, number: str, address: str) -> None:
    """Send a one-time code for ticket ``number`` to ``address`` if that address submitted it.

    Returns nothing either way, so the answer cannot be used to probe numbers or addresses; only
    malformed input raises ``ValidationFailed``. Earlier unused codes of the pair stop working. The
    plain code is written to the outbox (event ``portal.lookup_code``, for the email/SMS channel
    to deliver), never to the log; the table keeps only a keyed hash, valid for ``CODE_TTL``.
    """
    number, address = _clean_pair(number, address)
    ticket = _matching_ticket(number, address)
    if ticket is None:
        logger.info("Progress lookup code requested for an unknown pair (ticket %s).", number)
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    expires_at = now + CODE_TTL
    with transaction.atomic():
        LookupCode.objects.filter(
            ticket=ticket, address=address, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        LookupCode.objects.create(
            ticket=ticket,
            address=address,
            code_hash=_hash(ticket.pk, address, code),
            created_at=now,
            expires_at=expires_at,
        )
        emit(
            EVENT_TYPE,
            ticket=ticket.number,
            address=address,
            code=code,
            expires_at=expires_at,
            site_url=getattr(settings, "SITE_URL", ""),
        )
    if _delivered_by_a_channel(address):
        logger.info("Progress lookup code for ticket %s sent to %s.", ticket.number, address)
        return
    # No mail or SMS is configured. A code is a secret: it is never logged (logs are read and
    # shipped more widely than the database); the operator learns that a code could not go out.
    logger.warning(
        "Progress lookup code for ticket %s to %s was not sent: no mail or SMS channel is "
        "configured (the code is not logged).",
        ticket.number,
        redact_address(address),
    )


def redact_address(address: str) -> str:
    """``z***@example.com`` / ``138****8000``: enough for an operator to recognise, not to use."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{address[:3]}****{address[-4:]}" if len(address) > 7 else "****"


def _delivered_by_a_channel(address: str) -> bool:
    if "@" in address:
        return bool(getattr(settings, "GONGDAN_EMAIL_ENABLED", False))
    return bool(
        getattr(settings, "GONGDAN_SMS_PROVIDER", "")
        and getattr(settings, "GONGDAN_SMS_CODE_TEMPLATE", "")
    )


def _refused() -> ValidationFailed:
    message = _(
        "This code is not valid. Codes work once, for 15 minutes and %(n)d tries; "
        "request a new code if needed."
    ) % {"n": MAX_ATTEMPTS}
    return ValidationFailed("lookup.invalid_code", message, fields={"code": message})


def lookup_code_verify(*, number: str, address: str, code: str) -> Ticket:
    """Check ``code`` for the pair and return the ticket; the code is then used up.

    Every failure (unknown pair, wrong, expired, used or exhausted code) raises the same
    ``ValidationFailed`` (``lookup.invalid_code``). A wrong code counts an attempt on the pair's
    latest code; after ``MAX_ATTEMPTS`` that code is dead even for the right digits. Locks the
    code row (``select_for_update``) so two tries cannot both use or both miscount it.
    """
    number, address = _clean_pair(number, address)
    code = str(code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        lookup = (
            LookupCode.objects.select_for_update(of=("self",))
            .select_related("ticket")
            .filter(ticket__number=number, address=address, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if lookup is None or lookup.expires_at <= now or lookup.attempts >= MAX_ATTEMPTS:
            ok = False
        elif _CODE.match(code) and constant_time_compare(
            _hash(lookup.ticket_id, address, code), lookup.code_hash
        ):
            lookup.used_at = now
            lookup.save(update_fields=["used_at"])
            ok = True
        else:
            lookup.attempts += 1
            lookup.save(update_fields=["attempts"])
            ok = False
    # Raised after the transaction, so the counted attempt is kept.
    if not ok or lookup is None:
        raise _refused()
    return lookup.ticket
