"""Claim-a-batch sweeps: due rows found by an indexed time, locked, fired once, written set-wise.

The SLA sweep (``sla.sweep``) and the follow-up sweep (``tickets.sweep``) work the same way:

1. ``claim`` reads a batch of due rows in time order under ``SELECT … FOR UPDATE SKIP LOCKED``
   (PostgreSQL; on SQLite the transaction holds the database's write lock);
2. the step's ``fire`` function re-checks each row's condition on the locked rows, changes them
   and gathers every effect (timeline entries, audit events, notifications, outbox events) in an
   :class:`Effects`, counting what it fired in ``fx.fired``;
3. the effects are written with one statement per table, in the same transaction.

A second sweeper skips the locked rows or finds them already handled; a batch that fails rolls
back, is logged with the error on the result, and is redone on the next tick. So each firing
happens once.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from gongdan.core.events import emit_many
from gongdan.core.hooks import Hooks
from gongdan.core.orm import insert_rows

logger = logging.getLogger(__name__)

#: A notify_many request: (recipients, kind, ticket, data).
NoteRequest = tuple[list[Any], str, Any, dict[str, Any]]

#: Writes a batch's notification requests; ``gongdan.notifications`` (above ``core``) registers
#: its ``notify_many`` here in ``NotificationsConfig.ready()``.
note_writers: Hooks[Callable[[list[NoteRequest]], Any]] = Hooks("core.sweeps.note_writers")


@dataclass
class Effects:
    """What one batch writes, gathered first and then written set-wise."""

    entries: list[Any] = field(default_factory=list)  # unsaved timeline entries
    audits: list[Any] = field(default_factory=list)  # unsaved audit events (audit_event)
    # notify_many requests: (recipients, kind, ticket, data)
    notes: list[NoteRequest] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    fired: Counter[str] = field(default_factory=Counter)  # result field -> firings

    def write(self) -> None:
        insert_rows(self.entries)
        insert_rows(self.audits)
        for write_notes in note_writers:
            write_notes(self.notes)
        for event_type, payloads in self.events.items():
            emit_many(event_type, payloads)


class SweepResult(Protocol):
    errors: list[str]


def claim[M: Model](queryset: QuerySet[M], order: str, limit: int) -> list[M]:
    """Up to ``limit`` due rows, oldest first, locked for this transaction (others skip them)."""
    qs = queryset.order_by(order, "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs[:limit])


def run_step[M: Model](
    name: str,
    queryset: QuerySet[M],
    order: str,
    fire: Callable[[list[M], datetime, Effects], None],
    now: datetime,
    *,
    result: SweepResult,
    limit: int,
    batch: int,
) -> None:
    """Claim and fire batches until nothing is due or ``limit`` rows were handled.

    What the batches fired is added to ``result``'s fields (named by ``fx.fired``) only once
    their transaction has committed.
    """
    done = 0
    while done < limit:
        try:
            with transaction.atomic():
                rows = claim(queryset, order, min(batch, limit - done))
                if not rows:
                    return
                fx = Effects()
                fire(rows, now, fx)
                fx.write()
        except Exception as exc:  # logged; the batch is rolled back and redone on the next tick
            logger.exception("sweep step %s failed", name)
            result.errors.append(f"{name}: {exc!r}")
            return
        for key, count in fx.fired.items():
            setattr(result, key, getattr(result, key) + count)
        done += len(rows)
