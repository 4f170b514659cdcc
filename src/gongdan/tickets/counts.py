"""Maintained ticket counts per (team, assignee): what the workspace's view tabs show.

Counting the visible tickets of every tab on each page load reads a number of rows that grows
with the table (60–94 ms at 100k tickets, ~500 ms at 1M). Instead, ``TicketCount`` keeps, per
(team, assignee) pair, how many tickets are open, pending, resolved, open with a running SLA
clock and open with a missed SLA target. From these, the tabs of any staff user are sums over a
few hundred pairs at most (``selectors.view_counts``).

How the numbers stay right:

- **Database triggers** on the ticket table (migration ``0011_ticket_counts``) append a *delta
  row* (−1 for the old pair and buckets, +1 for the new ones) on every insert, delete and change of
  status, team, assignee or SLA clock, whatever wrote it: services, the SLA sweep's bulk
  updates, imports, ``seed_bench``. Appending never waits on another writer (no shared counter
  row to lock), so concurrent ticket writes on PostgreSQL neither queue nor deadlock on it.
- **Compaction** (``compact``) folds the deltas into one row per pair: every minute (the
  ``tickets.tasks.counts_compact`` job) and whenever a read finds more than ``COMPACT_AFTER``
  rows, so reads stay bounded by the number of pairs even without a worker. It deletes rows with
  ``DELETE … RETURNING`` and re-inserts their sums in one transaction: a delta is folded exactly
  once, even with several compactions at the same time.
- ``tickets_counts_check`` compares the counters with a fresh count (exit 1 on drift);
  ``tickets_counts_rebuild`` recomputes them (writers wait meanwhile).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, fields

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket, TicketCount

logger = logging.getLogger(__name__)

#: A read that finds more delta rows than this folds them first.
COMPACT_AFTER = 2000

Key = tuple[int, int]  # (team id or 0, assignee id or 0)


@dataclass
class Buckets:
    open: int = 0
    pending: int = 0
    resolved: int = 0
    due: int = 0  # open, with a running SLA clock
    breached: int = 0  # open, an SLA target missed

    def add(self, other: Buckets) -> None:
        for name in BUCKETS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in BUCKETS)


BUCKETS = tuple(f.name for f in fields(Buckets))

#: The tickets each bucket holds, as lookups on ``Ticket`` (the triggers say the same in SQL).
BUCKET_LOOKUPS: dict[str, dict[str, object]] = {
    "open": {"is_open": True},
    "pending": {"status": Status.PENDING},
    "resolved": {"status": Status.RESOLVED},
    "due": {"is_open": True, "sla_due_at__isnull": False},
    "breached": {"is_open": True, "sla_breached_at__isnull": False},
}


def bucket_filters(prefix: str = "") -> dict[str, Q]:
    """Each bucket as a filter, on ``Ticket`` or through a relation (``prefix="ticket__"``)."""
    return {
        name: Q(**{prefix + key: value for key, value in lookups.items()})
        for name, lookups in BUCKET_LOOKUPS.items()
    }


BUCKET_FILTERS = bucket_filters()


def counted(prefix: str = "") -> Q:
    """A ticket in no bucket (closed, cancelled) is not counted."""
    return Q(**{prefix + "is_open": True}) | Q(**{prefix + "status": Status.RESOLVED})


COUNTED = counted()


def maintained(*, fold: bool = True) -> dict[Key, Buckets]:
    """The counters per (team, assignee): one query over the delta rows (pairs with nothing
    counted are left out). With ``fold``, too many delta rows are folded for the next read."""
    sums = {name: Sum(name) for name in BUCKETS}
    rows = list(
        TicketCount.objects.values_list("team_key", "assignee_key")
        .annotate(rows=Count("pk"), **sums)
        .order_by()
    )
    if fold and sum(row[2] for row in rows) > COMPACT_AFTER:
        try:
            compact()
        except DatabaseError:  # e.g. SQLite busy: the next read or the minute job will do it
            logger.warning("could not compact the ticket counts", exc_info=True)
    result = {}
    for team, assignee, _rows, *values in rows:
        buckets = Buckets(*values)
        if buckets:
            result[(team, assignee)] = buckets
    return result


def fresh() -> dict[Key, Buckets]:
    """The same counts from the tickets themselves (a full scan: rebuild, check and tests)."""
    rows = (
        Ticket.objects.filter(COUNTED)
        .values_list(Coalesce("team_id", Value(0)), Coalesce("assignee_id", Value(0)))
        .annotate(**{name: Count("pk", filter=q) for name, q in BUCKET_FILTERS.items()})
        .order_by()
    )
    result = {}
    for team, assignee, *values in rows:
        buckets = Buckets(*values)
        if buckets:
            result[(team, assignee)] = buckets
    return result


def compact() -> int:
    """Fold the delta rows into one row per pair; returns how many rows were folded."""
    columns = ("team_key", "assignee_key", *BUCKETS)
    table = TicketCount._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} RETURNING {', '.join(columns)}"  # noqa: S608 - constants
        )
        deleted = cursor.fetchall()
        totals: dict[Key, Buckets] = defaultdict(Buckets)
        for team, assignee, *values in deleted:
            totals[(team, assignee)].add(Buckets(*values))
        TicketCount.objects.bulk_create(
            TicketCount(team_key=team, assignee_key=assignee, **vars(buckets))
            for (team, assignee), buckets in sorted(totals.items())
            if buckets
        )
    return len(deleted)


def rebuild() -> int:
    """Recompute the counters from the tickets; returns the number of (team, assignee) pairs.

    Ticket writers wait until it commits (PostgreSQL: a SHARE lock on the ticket table; SQLite:
    the write lock), so no delta is lost or counted twice."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Ticket._meta.db_table} IN SHARE MODE")
        TicketCount.objects.all().delete()
        counts = fresh()
        TicketCount.objects.bulk_create(
            TicketCount(team_key=team, assignee_key=assignee, **vars(buckets))
            for (team, assignee), buckets in sorted(counts.items())
        )
    return len(counts)


def drift() -> dict[Key, tuple[Buckets, Buckets]]:
    """Pairs whose counters differ from a fresh count: ``{key: (maintained, fresh)}``."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":  # both reads from one snapshot
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        kept, actual = maintained(fold=False), fresh()
    return {
        key: (kept.get(key, Buckets()), actual.get(key, Buckets()))
        for key in kept.keys() | actual.keys()
        if kept.get(key, Buckets()) != actual.get(key, Buckets())
    }


def clear_when_empty(using: str = "default", **_kwargs: object) -> None:
    """No tickets, no counts (``post_migrate``, also sent after a flush). SQLite's flush
    deletes tables in any order: the counters first, then the tickets, whose delete trigger
    leaves negative deltas behind."""
    if not Ticket.objects.using(using).exists():
        TicketCount.objects.using(using).all().delete()
