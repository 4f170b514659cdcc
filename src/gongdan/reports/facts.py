"""Keeping the facts and rollups: recompute one ticket's fact, apply the difference.

On any event of a ticket (``reports.subscribers``) :func:`fact_refresh` locks the ticket row,
reads that ticket's own rows (never the table), computes its fact (``metrics.fact_from_raw``),
and adds *new minus old* contributions to the rollups with ``F()`` increments (a row is created
when its key is new). Because contributions are a pure function of the fact, the rollups always
equal the sum over the stored facts; ``reports_check`` proves it against the raw rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F

from gongdan.accounts.choices import STAFF_ROLES
from gongdan.reports.metrics import Cells, DayCounters, Fact, Raw, contributions, fact_from_raw
from gongdan.reports.models import (
    Counters,
    DailyRollup,
    Histogram,
    MonthRollup,
    TeamRollup,
    TicketFact,
)
from gongdan.sla.engine import policy_get, used_between
from gongdan.sla.models import SlaClock
from gongdan.sla.selectors import calendar_default, calendar_spec
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.models import Comment, Ticket, TimelineEntry

BATCH = 500
FINE_DIMS = (
    "team",
    "assignee",
    "ticket_type",
    "category",
    "channel",
    "organization",
    "priority",
)
COARSE_DIMS = ("team", "ticket_type", "channel", "priority")
FACT_FIELDS = [
    f.attname for f in TicketFact._meta.concrete_fields if f.attname not in ("computed_at",)
]
_ENTRY_KINDS = (
    TimelineKind.STATUS_CHANGED,
    TimelineKind.TEAM_CHANGED,
    TimelineKind.ASSIGNED,
    TimelineKind.REPLY,
    TimelineKind.NOTE,
)


# --- reading one ticket's raw rows -----------------------------------------------------------


def _business(
    ticket: Ticket, clocks: list[dict[str, Any]]
) -> Callable[[datetime, datetime], float]:
    """Business seconds on the ticket's SLA calendar: its clocks' policy calendar when the
    policy counts business time, else the default calendar, else calendar time."""
    spec = None
    for clock in clocks:
        policy = policy_get(clock["policy_id"])
        if policy is not None and policy.counts_business_time and policy.calendar is not None:
            spec = calendar_spec(policy.calendar)
            break
    if spec is None:
        default = calendar_default()
        spec = calendar_spec(default) if default is not None else None
    return lambda start, end: used_between(spec, start, end)


def raw_for(ticket: Ticket) -> Raw:
    """The rows :func:`metrics.fact_from_raw` reads, for one ticket (three queries)."""
    entries = [
        {
            "kind": e["kind"],
            "created_at": e["created_at"],
            "data": e["data"] or {},
            "actor_staff": e["actor__role"] in STAFF_ROLES,
        }
        for e in TimelineEntry.objects.filter(ticket_id=ticket.pk, kind__in=_ENTRY_KINDS)
        .order_by("created_at", "id")
        .values("kind", "created_at", "data", "actor__role")
    ]
    comments = [
        {"created_at": c["created_at"], "by_staff": c["author_contact_id"] is None}
        for c in Comment.objects.filter(ticket_id=ticket.pk, is_internal=False)
        .exclude(author_id=None, author_contact_id=None)
        .order_by("created_at", "id")
        .values("created_at", "author_contact_id")
    ]
    clocks: list[dict[str, Any]] = [
        dict(c)
        for c in SlaClock.objects.filter(ticket_id=ticket.pk).values(
            "target",
            "met_at",
            "breached_at",
            "running_since",
            "elapsed_seconds",
            "target_minutes",
            "policy_id",
        )
    ]
    return Raw(ticket, entries, comments, clocks, _business(ticket, clocks))


def fact_compute(ticket: Ticket) -> Fact:
    return fact_from_raw(raw_for(ticket))


def fact_of_row(row: TicketFact) -> Fact:
    return {name: getattr(row, name) for name in FACT_FIELDS}


# --- deltas --------------------------------------------------------------------------------


@dataclass
class Deltas:
    """Rollup changes to apply: counters per (model, key) and histogram cells per key."""

    rows: dict[tuple[type[models.Model], tuple[Any, ...]], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    cells: dict[tuple[Any, ...], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(self, fact: Fact, sign: int) -> None:
        counters, cells = contributions(fact)
        self.add_contributions(fact, counters, cells, sign)

    def add_contributions(self, fact: Fact, counters: DayCounters, cells: Cells, sign: int) -> None:
        fine = tuple(fact[d] for d in FINE_DIMS)
        coarse = tuple(fact[d] for d in COARSE_DIMS)
        for day, row in counters.items():
            for name, value in row.items():
                self.rows[(DailyRollup, (day, *fine))][name] += sign * value
                self.rows[(TeamRollup, (day, *coarse))][name] += sign * value
                self.rows[(MonthRollup, (day.replace(day=1), *coarse))][name] += sign * value
        for (day, metric, bucket), (count, total) in cells.items():
            cell = self.cells[(day, *coarse, metric, bucket)]
            cell[0] += sign * count
            cell[1] += sign * total

    def apply(self) -> int:
        """Write the non-zero changes; returns the number of rows touched."""
        touched = 0
        for (model, key), counter in self.rows.items():
            changes = {k: v for k, v in counter.items() if v}
            if changes:
                dims = ("day", *(FINE_DIMS if model is DailyRollup else COARSE_DIMS))
                _upsert(model, dict(zip(dims, key, strict=True)), changes)
                touched += 1
        hist_dims = ("day", *COARSE_DIMS, "metric", "bucket")
        for key, (count, total) in self.cells.items():
            if count or total:
                _upsert(
                    Histogram,
                    dict(zip(hist_dims, key, strict=True)),
                    {"count": count, "total": total},
                )
                touched += 1
        return touched


def _upsert(model: type[models.Model], key: dict[str, Any], changes: dict[str, int]) -> None:
    increments = {name: F(name) + value for name, value in changes.items()}
    if model._default_manager.filter(**key).update(**increments):
        return
    try:
        with transaction.atomic():
            model._default_manager.create(**key, **changes)
    except IntegrityError:  # created meanwhile by another consumer
        model._default_manager.filter(**key).update(**increments)


# --- keeping one ticket ---------------------------------------------------------------------


def fact_refresh(ticket_ids: Iterable[int]) -> int:
    """Recompute the facts of ``ticket_ids`` and move the rollups by the difference.

    Each ticket in its own transaction, holding the ticket row's lock (``select_for_update``;
    SQLite serialises writers) so two consumers cannot interleave on one ticket. Returns the
    number of facts that changed.
    """
    changed = 0
    for pk in sorted(set(ticket_ids)):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("ticket_type")
                .filter(pk=pk)
                .first()
            )
            if ticket is None:
                continue
            changed += _refresh_locked(ticket)
    return changed


def _refresh_locked(ticket: Ticket) -> int:
    new = fact_compute(ticket)
    row = TicketFact.objects.filter(ticket_id=ticket.pk).first()
    old = fact_of_row(row) if row is not None else None
    if old is not None and _same(old, new):
        return 0
    deltas = Deltas()
    if old is not None:
        deltas.add(old, -1)
    deltas.add(new, +1)
    deltas.apply()
    TicketFact(**new).save(force_insert=row is None)
    return 1


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _same(a: Fact, b: Fact) -> bool:
    return all(_norm(a[k]) == _norm(b[k]) for k in FACT_FIELDS if k != "history") and (
        a["history"] == b["history"]
    )


def ticket_ids_by_numbers(numbers: Iterable[str]) -> list[int]:
    return list(Ticket.objects.filter(number__in=list(numbers)).values_list("pk", flat=True))


# --- rebuild and check ------------------------------------------------------------------------


def _ticket_batches(batch: int) -> Iterator[list[Ticket]]:
    last = 0
    while True:
        tickets = list(
            Ticket.objects.select_related("ticket_type").filter(pk__gt=last).order_by("pk")[:batch]
        )
        if not tickets:
            return
        yield tickets
        last = tickets[-1].pk


def reports_rebuild(*, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every fact and all rollups from the raw rows, in batches of tickets (memory
    bounded by one batch and its rollup changes). Returns the number of tickets."""
    with transaction.atomic():
        for model in (Histogram, MonthRollup, TeamRollup, DailyRollup, TicketFact):
            model._default_manager.all().delete()
    done = 0
    for tickets in _ticket_batches(batch):
        with transaction.atomic():
            deltas, facts = Deltas(), []
            for ticket in tickets:
                fact = fact_compute(ticket)
                deltas.add(fact, +1)
                facts.append(TicketFact(**fact))
            TicketFact.objects.bulk_create(facts)
            deltas.apply()
        done += len(tickets)
        if progress is not None:
            progress(done)
    return done


@dataclass
class Drift:
    """What ``reports_check`` found: facts that differ from the raw rows, rollup cells that
    differ from the sum of the facts (``(table, key, counter): (stored, expected)``)."""

    tickets: int = 0
    stale_facts: list[int] = field(default_factory=list)
    missing_facts: list[int] = field(default_factory=list)
    orphan_facts: int = 0
    cells: dict[tuple[str, tuple[Any, ...], str], tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.stale_facts or self.missing_facts or self.orphan_facts or self.cells)


def reports_check(*, batch: int = BATCH) -> Drift:
    """Recompute every fact from the raw rows and every rollup from those facts, and compare
    with what is stored. Reads in batches; the expected rollups are held in memory (their
    size is the rollups' size)."""
    drift, expected = Drift(), Deltas()
    for tickets in _ticket_batches(batch):
        stored = {
            r.ticket_id: r for r in TicketFact.objects.filter(ticket_id__in=[t.pk for t in tickets])
        }
        for ticket in tickets:
            fact = fact_compute(ticket)
            row = stored.get(ticket.pk)
            if row is None:
                drift.missing_facts.append(ticket.pk)
            elif not _same(fact_of_row(row), fact):
                drift.stale_facts.append(ticket.pk)
            expected.add(fact, +1)
        drift.tickets += len(tickets)
    drift.orphan_facts = TicketFact.objects.exclude(
        ticket_id__in=Ticket.objects.values("pk")
    ).count()
    _compare_rollups(expected, drift)
    return drift


def _compare_rollups(expected: Deltas, drift: Drift) -> None:
    names = [f.name for f in Counters._meta.get_fields()]
    for model, dims in (
        (DailyRollup, FINE_DIMS),
        (TeamRollup, COARSE_DIMS),
        (MonthRollup, COARSE_DIMS),
    ):
        want = {key: c for (m, key), c in expected.rows.items() if m is model}
        _compare_table(model, dims, names, want, drift)
    cells = dict(expected.cells)
    hist_dims = ("day", *COARSE_DIMS, "metric", "bucket")
    for row in Histogram.objects.values(*hist_dims, "count", "total").iterator():
        key = tuple(row[d] for d in hist_dims)
        count, total = cells.pop(key, [0, 0])
        if (row["count"], row["total"]) != (count, total):
            drift.cells[("Histogram", key, "count")] = (row["count"], count)
    for key, (count, _total) in cells.items():
        if count:
            drift.cells[("Histogram", key, "count")] = (0, count)


def _compare_table(
    model: type[models.Model],
    dims: tuple[str, ...],
    names: list[str],
    want: dict[tuple[Any, ...], Counter[str]],
    drift: Drift,
) -> None:
    label = model.__name__
    for row in model._default_manager.values("day", *dims, *names).iterator():
        key = (row["day"], *(row[d] for d in dims))
        counter = want.pop(key, Counter())
        for name in names:
            if row[name] != counter.get(name, 0):
                drift.cells[(label, key, name)] = (row[name], counter.get(name, 0))
    for key, counter in want.items():
        for name, value in counter.items():
            if value:
                drift.cells[(label, key, name)] = (0, value)
