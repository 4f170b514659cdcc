"""Timeline entries written outside ``tickets.changes`` (sweeps, smart assignment, mail failures).

The ticket services describe their changes with ``tickets.changes`` (one description feeds the
timeline entry, the audit event and the outbox event); these constructors remain for writers
that build entries in bulk or record a decision with no audit event of its own.

``data`` keeps raw values (``old``/``new``) plus labels captured at the time of the change for
objects that may later be renamed or deleted; templates translate kinds and choice values.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from gongdan.accounts.models import User
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.models import Comment, Ticket, TimelineEntry


def _label(value: Any) -> str | None:
    return None if value is None else str(value)


def build(
    ticket: Ticket,
    kind: TimelineKind,
    *,
    actor: User | None,
    data: dict[str, Any] | None = None,
    is_internal: bool = False,
    comment: Comment | None = None,
    at: Any = None,
) -> TimelineEntry:
    """An unsaved entry (for ``bulk_create`` by sweeps)."""
    return TimelineEntry(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_label=_label(actor) or "",
        is_internal=is_internal,
        comment=comment,
        data=data or {},
        # The moment of the change (defect 12: never the ticket's previous ``updated_at``).
        created_at=at or timezone.now(),
    )


def auto_assigned(ticket: Ticket, *, data: dict[str, Any]) -> TimelineEntry:
    """Smart assignment's decision (chosen agent or none, scores, who was passed over, why)."""
    # The ticket was just saved (created, assigned or moved) by the change that asked for this.
    entry = build(
        ticket,
        TimelineKind.AUTO_ASSIGNED,
        actor=None,
        is_internal=True,
        data=data,
        at=ticket.updated_at,
    )
    entry.save()
    return entry


def mail_failed(ticket: Ticket, *, data: dict[str, Any], at: Any) -> TimelineEntry:
    """A notification mail about the ticket gave up (staff only: it names the address)."""
    entry = build(ticket, TimelineKind.MAIL_FAILED, actor=None, is_internal=True, data=data, at=at)
    entry.save()
    return entry
