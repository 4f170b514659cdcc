"""One small constructor per kind of timeline entry (called by services, inside their transaction).

``data`` keeps raw values (``old``/``new``) plus labels captured at the time of the change for
objects that may later be renamed or deleted; templates translate kinds and choice values.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from gongdan.accounts.models import User
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.models import Comment, Ticket, TimelineEntry


def _label(value: Any) -> str | None:
    return None if value is None else str(value)


def _ref(value: Model | None) -> int | None:
    return None if value is None else value.pk


def record(
    ticket: Ticket,
    kind: TimelineKind,
    *,
    actor: User | None,
    data: dict[str, Any] | None = None,
    is_internal: bool = False,
    comment: Comment | None = None,
) -> TimelineEntry:
    entry = build(ticket, kind, actor=actor, data=data, is_internal=is_internal, comment=comment)
    entry.save()
    return entry


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
    """An unsaved entry (for ``bulk_create`` by sweeps); ``record`` saves one."""
    return TimelineEntry(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_label=_label(actor) or "",
        is_internal=is_internal,
        comment=comment,
        data=data or {},
        created_at=at or ticket.updated_at,
    )


def created(ticket: Ticket, *, actor: User | None) -> TimelineEntry:
    return record(
        ticket,
        TimelineKind.CREATED,
        actor=actor,
        data={
            "channel": ticket.channel,
            "requester": _label(ticket.requester),
        },
    )


def status_changed(
    ticket: Ticket, *, actor: User | None, old: str, new: str, reason: str = ""
) -> TimelineEntry:
    return record(
        ticket,
        TimelineKind.STATUS_CHANGED,
        actor=actor,
        data={"old": old, "new": new, "reason": reason},
    )


def choice_changed(
    ticket: Ticket, kind: TimelineKind, *, actor: User | None, old: str, new: str
) -> TimelineEntry:
    """Priority (or another choice field) changed; values are translated when displayed."""
    return record(ticket, kind, actor=actor, data={"old": old, "new": new})


def reference_changed(
    ticket: Ticket,
    kind: TimelineKind,
    *,
    actor: User | None,
    old: Model | None,
    new: Model | None,
    is_internal: bool = False,
) -> TimelineEntry:
    """Assignee, team, type or category changed: ids plus the names they had at the time."""
    return record(
        ticket,
        kind,
        actor=actor,
        is_internal=is_internal,
        data={
            "old": _ref(old),
            "new": _ref(new),
            "old_label": _label(old),
            "new_label": _label(new),
        },
    )


def field_changed(
    ticket: Ticket, *, actor: User | None, field: str, old: str, new: str
) -> TimelineEntry:
    return record(
        ticket,
        TimelineKind.FIELD_CHANGED,
        actor=actor,
        data={"field": field, "old": old, "new": new},
    )


def tags_changed(
    ticket: Ticket, *, actor: User | None, added: list[str], removed: list[str]
) -> TimelineEntry:
    return record(
        ticket,
        TimelineKind.TAGS_CHANGED,
        actor=actor,
        is_internal=True,
        data={"added": added, "removed": removed},
    )


def commented(ticket: Ticket, comment: Comment, *, actor: User | None) -> TimelineEntry:
    kind = TimelineKind.NOTE if comment.is_internal else TimelineKind.REPLY
    return record(ticket, kind, actor=actor, is_internal=comment.is_internal, comment=comment)


def attachment_added(
    ticket: Ticket, *, actor: User | None, name: str, attachment_id: int, is_internal: bool
) -> TimelineEntry:
    return record(
        ticket,
        TimelineKind.ATTACHMENT,
        actor=actor,
        is_internal=is_internal,
        data={"name": name, "attachment": attachment_id},
    )


def related(
    ticket: Ticket,
    kind: TimelineKind,
    *,
    actor: User | None,
    other: Ticket,
    extra: dict[str, Any] | None = None,
    is_internal: bool = True,
) -> TimelineEntry:
    """A relation to another ticket (child, link, merge), by number (numbers never change).

    Only internal entries keep the other ticket's title: a public entry is read by the ticket's
    customer, who may not be allowed to see the other ticket.
    """
    data: dict[str, Any] = {"number": other.number}
    if is_internal:
        data["title"] = other.title
    return record(
        ticket, kind, actor=actor, is_internal=is_internal, data={**data, **(extra or {})}
    )


def watcher_added(ticket: Ticket, *, actor: User | None, who: str) -> TimelineEntry:
    return record(
        ticket, TimelineKind.WATCHER_ADDED, actor=actor, is_internal=True, data={"who": who}
    )


def watcher_removed(ticket: Ticket, *, actor: User | None, who: str) -> TimelineEntry:
    """There is no kind of its own: a change of the "watchers" field, described as a removal."""
    return record(
        ticket,
        TimelineKind.FIELD_CHANGED,
        actor=actor,
        is_internal=True,
        data={"field": "watchers", "old": who, "new": "", "who": who},
    )


def auto_assigned(ticket: Ticket, *, data: dict[str, Any]) -> TimelineEntry:
    """Smart assignment's decision (chosen agent or none, scores, who was passed over, why)."""
    return record(ticket, TimelineKind.AUTO_ASSIGNED, actor=None, is_internal=True, data=data)


def mail_failed(ticket: Ticket, *, data: dict[str, Any], at: Any) -> TimelineEntry:
    """A notification mail about the ticket gave up (staff only: it names the address)."""
    entry = build(ticket, TimelineKind.MAIL_FAILED, actor=None, is_internal=True, data=data, at=at)
    entry.save()
    return entry
