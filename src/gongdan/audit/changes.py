"""One typed description per change, from which its audit event and outbox event are written.

A service describes what it changed once, as a :class:`Change` (usually made by a named
constructor in its app's ``changes.py``), and hands it to ``record`` inside its transaction. The
change's :class:`ChangeKind` carries the stable dotted name — the audit action and the outbox
event type — and says which of the three records the change writes: a timeline entry (ticket
changes, written by ``gongdan.tickets.changes.record``), an audit event, an outbox event. So the
three can no longer drift apart as three sets of bare strings at each call site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model

from gongdan.audit.services import audit_record
from gongdan.core.events import emit


@dataclass(frozen=True)
class ChangeKind:
    """A kind of change and what it writes.

    ``type`` is the dotted name used as the audit action and the outbox event type (and, for
    ticket changes, usually the timeline kind too); ``event`` names the outbox type where one
    event stands for several kinds (``supervision.decided`` for accepted and returned).
    ``timeline`` is the timeline kind written for it ("" for none), ``internal`` whether that
    entry is for staff only by default.
    """

    type: str
    timeline: str = ""
    audit: bool = True
    outbox: bool = True
    internal: bool = False
    event: str = ""


@dataclass(frozen=True)
class Change:
    """One change, described once: what kind, to which object, by whom, when and with what data.

    ``payload`` is the outbox event's data; ``audit_data`` the audit event's (the payload when
    None); ``entry`` the timeline entry's data. ``at`` is the moment of the change (now when None).
    """

    kind: ChangeKind
    obj: Model
    actor: Any = None
    at: datetime | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    audit_data: Mapping[str, Any] | None = None
    entry: Mapping[str, Any] = field(default_factory=dict)


def record_audit_and_event(change: Change) -> None:
    """Write the audit event and the outbox event ``change.kind`` asks for (inside the
    caller's transaction)."""
    if change.kind.audit:
        data = change.payload if change.audit_data is None else change.audit_data
        audit_record(actor=change.actor, action=change.kind.type, obj=change.obj, data=dict(data))
    if change.kind.outbox:
        emit(change.kind.event or change.kind.type, **change.payload)


def record(*changes: Change) -> None:
    """Record changes that have no timeline (organizations, contacts, settings)."""
    for change in changes:
        if change.kind.timeline:
            raise ValueError(f"{change.kind.type} has a timeline: use tickets.changes.record")
        record_audit_and_event(change)
