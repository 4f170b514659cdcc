"""Helpers shared by the ticket services: locking, versioning, validation of text."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from gongdan.tickets import policies
from gongdan.tickets.models import Ticket

TITLE_MAX = 200
TEXT_MAX = 50_000


def lock_ticket(ticket: Ticket | int, *, expected_version: int | None = None) -> Ticket:
    """Re-read the ticket under a row lock (call inside ``transaction.atomic``).

    With ``expected_version`` a stale caller gets ``Conflict`` (HTTP 409) instead of silently
    overwriting a change made since it read the ticket.
    """
    pk = ticket if isinstance(ticket, int) else ticket.pk
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester", "organization", "team", "assignee", "ticket_type", "category")
        .get(pk=pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            "ticket.version_conflict",
            _(
                "The ticket was changed by someone else (version %(current)s, you sent %(sent)s). "
                "Reload it and try again."
            )
            % {"current": locked.version, "sent": expected_version},
        )
    return locked


def touch(ticket: Ticket, *fields: str) -> None:
    """Save the changed ``fields`` and advance version and updated_at."""
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def require_visible(actor: User, ticket: Ticket) -> None:
    if not policies.can_see(actor, ticket):
        raise NotFound("ticket.not_found", _("Ticket not found."))


def require_staff(actor: User) -> None:
    if not policies.is_staff_user(actor):
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))


def _no_nul(text: str, field: str) -> str:
    if "\x00" in text:
        message = _("Null characters are not allowed.")
        raise ValidationFailed("invalid", message, fields={field: message})
    return text


def clean_title(title: Any) -> str:
    text = _no_nul(str(title or "").strip(), "title")
    if not text:
        raise ValidationFailed(
            "ticket.invalid",
            _("Please enter a title."),
            fields={"title": _("This field is required.")},
        )
    if len(text) > TITLE_MAX:
        message = _("Ensure this value has at most %(max)d characters (it has %(n)d).") % {
            "max": TITLE_MAX,
            "n": len(text),
        }
        raise ValidationFailed("ticket.invalid", message, fields={"title": message})
    return text


def clean_text(text: Any, *, field: str, required: bool = False) -> str:
    value = _no_nul(str(text or "").strip(), field)
    if required and not value:
        raise ValidationFailed(
            "invalid", _("Please enter some text."), fields={field: _("This field is required.")}
        )
    if len(value) > TEXT_MAX:
        message = _("Ensure this value has at most %(max)d characters (it has %(n)d).") % {
            "max": TEXT_MAX,
            "n": len(value),
        }
        raise ValidationFailed("invalid", message, fields={field: message})
    return value


def fail(code: str, message: str, *, field: str | None = None) -> DomainError:
    return ValidationFailed(code, message, fields={field: message} if field else None)
