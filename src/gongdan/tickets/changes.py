"""The ticket changes: one kind and one constructor per change, and ``record`` for them.

Each constructor describes one change of a ticket once — the timeline entry's data, the audit
event's data and the outbox event's payload together — and ``record`` writes what its kind asks
for, stamped with the moment of the change (``at``, else now; never the ticket's previous
``updated_at``). The stored strings are the ones used before this module existed: the timeline
kinds of ``TimelineKind``, the audit actions and the outbox types. Call inside the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from django.db.models import Model
from django.utils import timezone

from gongdan.accounts.models import User
from gongdan.audit.changes import Change, ChangeKind, record_audit_and_event
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.live import ticket_changed
from gongdan.tickets.models import Comment, CostEntry, Ticket, TimeEntry, TimelineEntry

T = TimelineKind


class Kind:
    """Every kind of ticket change. ``…_NOTED`` kinds only write a timeline entry: they are
    part of a larger change that writes the audit and outbox events (e.g. ``ticket.updated``)."""

    CREATED: Final = ChangeKind("ticket.created", timeline=T.CREATED)
    UPDATED: Final = ChangeKind("ticket.updated")
    ASSIGNED: Final = ChangeKind("ticket.assigned", timeline=T.ASSIGNED)
    ASSIGNEE_NOTED: Final = ChangeKind(
        "ticket.assigned", timeline=T.ASSIGNED, audit=False, outbox=False
    )
    STATUS_CHANGED: Final = ChangeKind("ticket.status_changed", timeline=T.STATUS_CHANGED)
    STATUS_NOTED: Final = ChangeKind(
        "ticket.status_changed", timeline=T.STATUS_CHANGED, audit=False, outbox=False
    )
    FIELD_NOTED: Final = ChangeKind(
        "ticket.field_changed", timeline=T.FIELD_CHANGED, audit=False, outbox=False
    )
    PRIORITY_NOTED: Final = ChangeKind(
        "ticket.priority_changed", timeline=T.PRIORITY_CHANGED, audit=False, outbox=False
    )
    TYPE_NOTED: Final = ChangeKind(
        "ticket.type_changed", timeline=T.TYPE_CHANGED, audit=False, outbox=False
    )
    CATEGORY_NOTED: Final = ChangeKind(
        "ticket.category_changed", timeline=T.CATEGORY_CHANGED, audit=False, outbox=False
    )
    TEAM_NOTED: Final = ChangeKind(
        "ticket.team_changed", timeline=T.TEAM_CHANGED, audit=False, outbox=False
    )
    TAGS_NOTED: Final = ChangeKind(
        "ticket.tags_changed", timeline=T.TAGS_CHANGED, audit=False, outbox=False, internal=True
    )
    REPLIED: Final = ChangeKind("comment.created", timeline=T.REPLY)
    NOTED: Final = ChangeKind("comment.created", timeline=T.NOTE, internal=True)
    ATTACHMENT_STORED: Final = ChangeKind(
        "attachment.added", timeline=T.ATTACHMENT, audit=False, outbox=False
    )
    ATTACHMENT_ADDED: Final = ChangeKind("attachment.added")
    CHILD_CREATED: Final = ChangeKind(
        "ticket.child_created", timeline=T.CHILD_CREATED, audit=False, internal=True
    )
    LINKED: Final = ChangeKind("ticket.linked", timeline=T.LINKED, internal=True)
    LINK_NOTED: Final = ChangeKind(
        "ticket.linked", timeline=T.LINKED, audit=False, outbox=False, internal=True
    )
    # Public: the source's customer reads it (only the number is kept, never the title).
    MERGED: Final = ChangeKind("ticket.merged", timeline=T.MERGED)
    MERGED_FROM_NOTED: Final = ChangeKind(
        "ticket.merged_from", timeline=T.MERGED_FROM, audit=False, outbox=False, internal=True
    )
    CHILD_NOTED: Final = ChangeKind(
        "ticket.child_created", timeline=T.CHILD_CREATED, audit=False, outbox=False, internal=True
    )
    # One outbox event for both: the search index re-reads the ticket (its document changed).
    WATCHER_ADDED: Final = ChangeKind(
        "ticket.watcher_added",
        timeline=T.WATCHER_ADDED,
        internal=True,
        event="ticket.watchers_changed",
    )
    # No timeline kind of its own: a change of the "watchers" field, described as a removal.
    WATCHER_REMOVED: Final = ChangeKind(
        "ticket.watcher_removed",
        timeline=T.FIELD_CHANGED,
        internal=True,
        event="ticket.watchers_changed",
    )
    HURRIED: Final = ChangeKind("ticket.hurried", timeline=T.HURRIED)
    REMINDER_CREATED: Final = ChangeKind("reminder.created", outbox=False)
    REMINDER_CANCELLED: Final = ChangeKind("reminder.cancelled", outbox=False)
    # Supervisions (督办): audited on the supervision, the entry on its ticket (if any).
    SUPERVISION_OPENED: Final = ChangeKind(
        "supervision.opened", timeline=T.SUPERVISION_OPENED, internal=True
    )
    SUPERVISION_RESPONDED: Final = ChangeKind(
        "supervision.responded", timeline=T.SUPERVISION_RESPONDED, internal=True
    )
    SUPERVISION_ACCEPTED: Final = ChangeKind(
        "supervision.accepted",
        timeline=T.SUPERVISION_ACCEPTED,
        internal=True,
        event="supervision.decided",
    )
    SUPERVISION_RETURNED: Final = ChangeKind(
        "supervision.returned",
        timeline=T.SUPERVISION_RETURNED,
        internal=True,
        event="supervision.decided",
    )
    SUPERVISION_CANCELLED: Final = ChangeKind(
        "supervision.cancelled", timeline=T.SUPERVISION_CLOSED, outbox=False, internal=True
    )
    SUPERVISION_CLOSED: Final = ChangeKind(
        "supervision.closed", timeline=T.SUPERVISION_CLOSED, outbox=False, internal=True
    )
    # Time and cost: staff-only entries; ``time.logged`` feeds the reports' rollups.
    TIME_LOGGED: Final = ChangeKind("time.logged", timeline=T.TIME_LOGGED, internal=True)
    TIME_DELETED: Final = ChangeKind("time.deleted", timeline=T.TIME_DELETED, internal=True)
    COST_RATE_SET: Final = ChangeKind("cost_rate.set", outbox=False)


@dataclass(frozen=True)
class TicketChange(Change):
    """A change of one ticket (``obj``); ``internal`` overrides the kind's default, ``comment``
    links the timeline entry to a reply or note. ``ticket`` is the timeline's ticket when the
    audited object is another record (a supervision); without a ticket there is no entry."""

    internal: bool | None = None
    comment: Comment | None = None
    ticket: Ticket | None = None


def record(*changes: Change, at: datetime | None = None) -> None:
    """Write each change's timeline entry, audit event and outbox event, as its kind asks.

    ``at`` stamps changes that carry no time of their own (the moment the caller saved the
    ticket); without either the entry gets the current time.
    """
    for change in changes:
        if at is not None and change.at is None:
            change = replace(change, at=at)
        ticket = getattr(change, "ticket", None) or change.obj
        if change.kind.timeline and isinstance(ticket, Ticket):
            _entry(change, ticket).save()
        record_audit_and_event(change)
        if isinstance(ticket, Ticket):
            ticket_changed(ticket, actor=change.actor, kind=change.kind.type)


def _entry(change: Change, ticket: Ticket) -> TimelineEntry:
    internal = getattr(change, "internal", None)
    actor = change.actor
    return TimelineEntry(
        ticket=ticket,
        kind=change.kind.timeline,
        actor=actor,
        actor_label=_label(actor) or "",
        is_internal=change.kind.internal if internal is None else internal,
        comment=getattr(change, "comment", None),
        data=dict(change.entry),
        created_at=change.at or timezone.now(),
    )


def _label(value: Any) -> str | None:
    return None if value is None else str(value)


def _ref(value: Model | None) -> int | None:
    return None if value is None else value.pk


def _pk(user: User | None) -> int | None:
    return user.pk if user is not None else None


# -- constructors, one per change ------------------------------------------------------------


def created(ticket: Ticket, *, actor: User) -> TicketChange:
    return TicketChange(
        Kind.CREATED,
        ticket,
        actor,
        at=ticket.created_at,
        entry={"channel": ticket.channel, "requester": _label(ticket.requester)},
        audit_data={"number": ticket.number, "channel": ticket.channel},
        payload={
            "ticket": ticket.number,
            "channel": ticket.channel,
            "team": ticket.team_id,
            "assignee": ticket.assignee_id,
            "actor": actor.pk,
        },
    )


def updated(ticket: Ticket, *, actor: User, fields: list[str]) -> TicketChange:
    return TicketChange(
        Kind.UPDATED,
        ticket,
        actor,
        audit_data={"fields": fields},
        payload={"ticket": ticket.number, "fields": fields, "actor": actor.pk},
    )


def reference_noted(
    ticket: Ticket,
    kind: ChangeKind,
    *,
    actor: User | None,
    old: Model | None,
    new: Model | None,
    at: datetime | None = None,
) -> TicketChange:
    """Assignee, team, type or category changed: ids plus the names they had at the time."""
    return TicketChange(
        kind,
        ticket,
        actor,
        at=at,
        entry={
            "old": _ref(old),
            "new": _ref(new),
            "old_label": _label(old),
            "new_label": _label(new),
        },
    )


def assigned(
    ticket: Ticket, *, actor: User | None, old: User | None, new: User | None
) -> TicketChange:
    """The assignment itself (audited, and the outbox event notifies the new assignee)."""
    change = reference_noted(ticket, Kind.ASSIGNED, actor=actor, old=old, new=new)
    return replace(
        change,
        audit_data={"assignee": ticket.assignee_id},
        payload={"ticket": ticket.number, "assignee": ticket.assignee_id, "actor": _pk(actor)},
    )


def field_noted(ticket: Ticket, *, actor: User, field: str, old: str, new: str) -> TicketChange:
    return TicketChange(
        Kind.FIELD_NOTED, ticket, actor, entry={"field": field, "old": old, "new": new}
    )


def priority_noted(ticket: Ticket, *, actor: User, old: str, new: str) -> TicketChange:
    """Values are translated when displayed."""
    return TicketChange(Kind.PRIORITY_NOTED, ticket, actor, entry={"old": old, "new": new})


def tags_noted(
    ticket: Ticket, *, actor: User, added: list[str], removed: list[str]
) -> TicketChange:
    return TicketChange(Kind.TAGS_NOTED, ticket, actor, entry={"added": added, "removed": removed})


def status_changed(
    ticket: Ticket,
    *,
    actor: User | None,
    old: str,
    new: str,
    reason: str = "",
    noted: bool = False,
) -> TicketChange:
    """A move in the state machine; ``noted`` when it is part of another change (an
    assignment, a merge) that writes the audit and outbox events."""
    return TicketChange(
        Kind.STATUS_NOTED if noted else Kind.STATUS_CHANGED,
        ticket,
        actor,
        entry={"old": old, "new": new, "reason": reason},
        audit_data={"old": old, "new": new},
        payload={"ticket": ticket.number, "old": old, "new": new, "actor": _pk(actor)},
    )


def commented(ticket: Ticket, comment: Comment, *, actor: User) -> TicketChange:
    return TicketChange(
        Kind.NOTED if comment.is_internal else Kind.REPLIED,
        ticket,
        actor,
        at=comment.created_at,
        comment=comment,
        audit_data={"comment": comment.pk, "internal": comment.is_internal},
        payload={
            "ticket": ticket.number,
            "comment": comment.pk,
            "internal": comment.is_internal,
            "actor": actor.pk,
        },
    )


def attachment_stored(
    ticket: Ticket, *, actor: User | None, name: str, attachment_id: int, is_internal: bool, at: Any
) -> TicketChange:
    """The file's timeline entry (the change it came with — a ticket, a reply — is audited)."""
    return TicketChange(
        Kind.ATTACHMENT_STORED,
        ticket,
        actor,
        at=at,
        internal=is_internal,
        entry={"name": name, "attachment": attachment_id},
    )


def attachment_added(ticket: Ticket, *, actor: User, name: str, attachment_id: int) -> TicketChange:
    """A file uploaded on its own (its entry is ``attachment_stored``'s)."""
    return TicketChange(
        Kind.ATTACHMENT_ADDED,
        ticket,
        actor,
        audit_data={"attachment": attachment_id, "name": name},
        payload={"ticket": ticket.number, "attachment": attachment_id},
    )


def related(
    ticket: Ticket,
    kind: ChangeKind,
    *,
    actor: User | None,
    other: Ticket,
    extra: Mapping[str, Any] | None = None,
    internal: bool | None = None,
    audit_data: Mapping[str, Any] | None = None,
    payload: Mapping[str, Any] | None = None,
) -> TicketChange:
    """A relation to another ticket (child, link, merge), by number (numbers never change).

    Only internal entries keep the other ticket's title: a public entry is read by the ticket's
    customer, who may not be allowed to see the other ticket.
    """
    is_internal = kind.internal if internal is None else internal
    data: dict[str, Any] = {"number": other.number}
    if is_internal:
        data["title"] = other.title
    return TicketChange(
        kind,
        ticket,
        actor,
        internal=is_internal,
        entry={**data, **(extra or {})},
        audit_data=audit_data,
        payload=payload or {},
    )


def watcher_added(ticket: Ticket, *, actor: User | None, watcher: Any) -> TicketChange:
    return TicketChange(
        Kind.WATCHER_ADDED,
        ticket,
        actor,
        entry={"who": str(watcher)},
        audit_data={"watcher": watcher.pk, "user": watcher.user_id, "contact": watcher.contact_id},
        payload={"ticket": ticket.number},
    )


def watcher_removed(
    ticket: Ticket, *, actor: User, who: str, data: Mapping[str, Any]
) -> TicketChange:
    return TicketChange(
        Kind.WATCHER_REMOVED,
        ticket,
        actor,
        entry={"field": "watchers", "old": who, "new": "", "who": who},
        audit_data=data,
        payload={"ticket": ticket.number},
    )


def hurried(ticket: Ticket, *, actor: User, note: str) -> TicketChange:
    return TicketChange(
        Kind.HURRIED,
        ticket,
        actor,
        at=ticket.updated_at,
        entry={"note": note},
        audit_data={"note": note},
        payload={"ticket": ticket.number, "actor": actor.pk},
    )


def reminder_created(ticket: Ticket, *, actor: User, data: Mapping[str, Any]) -> TicketChange:
    """A personal reminder (not on the timeline)."""
    return TicketChange(Kind.REMINDER_CREATED, ticket, actor, audit_data=data)


def reminder_cancelled(ticket: Ticket, *, actor: User, reminder_id: int) -> TicketChange:
    return TicketChange(
        Kind.REMINDER_CANCELLED, ticket, actor, audit_data={"reminder": reminder_id}
    )


def supervision_changed(
    supervision: Any,
    kind: ChangeKind,
    *,
    actor: User | None,
    entry: Mapping[str, Any],
    audit_data: Mapping[str, Any],
    payload: Mapping[str, Any] | None = None,
) -> TicketChange:
    """A step of a supervision (督办): its internal entry on the ticket (a team's has none),
    its audit event, and (for most steps) ``supervision.*`` for the notifications."""
    return TicketChange(
        kind,
        supervision,
        actor,
        at=timezone.now(),
        entry={"supervision": supervision.pk, **entry},
        audit_data=audit_data,
        payload={"supervision": supervision.pk, "actor": _pk(actor), **(payload or {})},
        ticket=supervision.ticket if supervision.ticket_id else None,
    )


def time_logged(entry: TimeEntry, cost: CostEntry, *, actor: User) -> TicketChange:
    """Minutes logged on a ticket with the labour cost written for them (staff only)."""
    data = {
        "time_entry": entry.pk,
        "minutes": entry.minutes,
        "billable": entry.billable,
        "user": entry.user_id,
        "work_date": entry.work_date.isoformat(),
        "amount": str(cost.amount),
    }
    return TicketChange(
        Kind.TIME_LOGGED,
        entry,
        actor,
        at=entry.created_at,
        ticket=entry.ticket,
        entry={"minutes": entry.minutes, "billable": entry.billable, "who": str(entry.user)},
        audit_data=data,
        payload={"ticket": entry.ticket.number, "comment": entry.comment_id, **data},
    )


def time_deleted(entry: TimeEntry, *, actor: User) -> TicketChange:
    data = {"time_entry": entry.pk, "minutes": entry.minutes, "user": entry.user_id}
    return TicketChange(
        Kind.TIME_DELETED,
        entry.ticket,
        actor,
        entry={"minutes": entry.minutes, "who": str(entry.user)},
        audit_data=data,
        payload={"ticket": entry.ticket.number, **data},
    )


def cost_rate_set(rate: Any, *, actor: User) -> Change:
    """An hourly cost rate set for an agent or a team (audited; no timeline, no event)."""
    return Change(
        Kind.COST_RATE_SET,
        rate,
        actor,
        audit_data={
            "user": rate.user_id,
            "team": rate.team_id,
            "hourly_cost": str(rate.hourly_cost),
            "effective_from": rate.effective_from.isoformat(),
        },
    )
