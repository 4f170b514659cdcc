"""Keeping the facts and rollups: recompute one ticket's fact, apply the difference.

On any event of a ticket (``reports.subscribers``) :func:`fact_refresh` locks the ticket row,
reads that ticket's own rows (never the table), computes its fact (``metrics.fact_from_raw``),
and adds *new minus old* contributions to the rollups with ``F()`` increments (a row is created
when its key is new). Because contributions are a pure function of the fact, the rollups always
equal the sum over the stored facts; ``reports_check`` proves it against the raw rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from gongdan.accounts.choices import STAFF_ROLES
from gongdan.core.cache import ProcessCache
from gongdan.reports.metrics import Cells, DayCounters, Fact, Raw, contributions, fact_from_raw
from gongdan.reports.models import (
    AgentRollup,
    Counters,
    DailyRollup,
    Histogram,
    MonthAgentRollup,
    MonthHistogram,
    MonthRollup,
    MonthTypeRollup,
    TeamRollup,
    TicketFact,
    TypeRollup,
)
from gongdan.sla.clock import CalendarSpec
from gongdan.sla.engine import policy_get, used_between
from gongdan.sla.models import BusinessCalendar, SlaClock, SpecialDay, WorkingHours
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
#: The histograms' dimensions: fewer than the counters' so that their rows stay bounded by
#: days × teams × types × buckets (a channel or priority filter reads exact facts instead).
HIST_DIMS = ("team", "ticket_type")
TYPE_DIMS = ("team", "ticket_type")
#: The agents report's tables (``AgentRollup``, ``MonthAgentRollup``).
AGENT_DIMS = ("team", "assignee", "ticket_type")
#: Each counter table's key (after ``day``).
ROLLUP_DIMS: dict[type[models.Model], tuple[str, ...]] = {
    DailyRollup: FINE_DIMS,
    TeamRollup: COARSE_DIMS,
    TypeRollup: TYPE_DIMS,
    MonthRollup: COARSE_DIMS,
    MonthTypeRollup: TYPE_DIMS,
    AgentRollup: AGENT_DIMS,
    MonthAgentRollup: AGENT_DIMS,
}
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


#: How long a process trusts its copy of the default calendar (edits in this process drop it at
#: once; other processes see them after this many seconds, like the SLA engine's policies).
DEFAULT_CALENDAR_TTL = 5.0

_default_calendar: ProcessCache[BusinessCalendar | None] = ProcessCache(
    calendar_default, ttl=DEFAULT_CALENDAR_TTL
)
_default_calendar.invalidate_on(
    BusinessCalendar, WorkingHours, SpecialDay, uid="reports-default-calendar"
)


class _Calendars:
    """The SLA calendar specs of one batch of tickets (the default calendar cached per
    process; its spec by the calendar's version)."""

    def __init__(self) -> None:
        self._default: Any = ...

    def default(self) -> CalendarSpec | None:
        if self._default is ...:
            calendar = _default_calendar.get()
            self._default = calendar_spec(calendar) if calendar is not None else None
        return self._default

    def business(self, clocks: list[dict[str, Any]]) -> Callable[[datetime, datetime], float]:
        """Business seconds on the ticket's SLA calendar: its clocks' policy calendar when
        the policy counts business time, else the default calendar, else calendar time."""
        spec = None
        for clock in clocks:
            policy = policy_get(clock["policy_id"])
            if policy is not None and policy.counts_business_time and policy.calendar is not None:
                spec = calendar_spec(policy.calendar)
                break
        if spec is None:
            spec = self.default()
        return lambda start, end: used_between(spec, start, end)


def raws_for(tickets: Sequence[Ticket]) -> list[Raw]:
    """The rows :func:`metrics.fact_from_raw` reads, for a batch of tickets (three queries,
    plus the default calendar's once when a ticket has no business-time clock)."""
    ids = [t.pk for t in tickets]
    entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in (
        TimelineEntry.objects.filter(ticket_id__in=ids, kind__in=_ENTRY_KINDS)
        .order_by("ticket_id", "created_at", "id")
        .values("ticket_id", "kind", "created_at", "data", "actor__role")
    ):
        entries[e["ticket_id"]].append(
            {
                "kind": e["kind"],
                "created_at": e["created_at"],
                "data": e["data"] or {},
                "actor_staff": e["actor__role"] in STAFF_ROLES,
            }
        )
    comments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in (
        Comment.objects.filter(ticket_id__in=ids, is_internal=False)
        .exclude(author_id=None, author_contact_id=None)
        .order_by("ticket_id", "created_at", "id")
        .values("ticket_id", "created_at", "author_contact_id")
    ):
        comments[c["ticket_id"]].append(
            {"created_at": c["created_at"], "by_staff": c["author_contact_id"] is None}
        )
    clocks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for k in SlaClock.objects.filter(ticket_id__in=ids).values(
        "ticket_id",
        "target",
        "met_at",
        "breached_at",
        "running_since",
        "elapsed_seconds",
        "target_minutes",
        "policy_id",
    ):
        clocks[k["ticket_id"]].append(dict(k))
    calendars = _Calendars()
    return [
        Raw(t, entries[t.pk], comments[t.pk], clocks[t.pk], calendars.business(clocks[t.pk]))
        for t in tickets
    ]


def raw_for(ticket: Ticket) -> Raw:
    return raws_for([ticket])[0]


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
    month_cells: dict[tuple[Any, ...], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(self, fact: Fact, sign: int) -> None:
        counters, cells = contributions(fact)
        self.add_contributions(fact, counters, cells, sign)

    def add_contributions(self, fact: Fact, counters: DayCounters, cells: Cells, sign: int) -> None:
        fine = tuple(fact[d] for d in FINE_DIMS)
        coarse = tuple(fact[d] for d in COARSE_DIMS)
        hist = tuple(fact[d] for d in HIST_DIMS)
        agent = tuple(fact[d] for d in AGENT_DIMS)
        rows = self.rows
        for day, row in counters.items():
            month = day.replace(day=1)
            targets = (
                rows[(DailyRollup, (day, *fine))],
                rows[(TeamRollup, (day, *coarse))],
                rows[(TypeRollup, (day, *hist))],
                rows[(MonthRollup, (month, *coarse))],
                rows[(MonthTypeRollup, (month, *hist))],
                rows[(AgentRollup, (day, *agent))],
                rows[(MonthAgentRollup, (month, *agent))],
            )
            for name, value in row.items():
                for target in targets:
                    target[name] += sign * value
        for (day, metric, bucket), (count, total) in cells.items():
            for cell in (
                self.cells[(day, *hist, metric, bucket)],
                self.month_cells[(day.replace(day=1), *hist, metric, bucket)],
            ):
                cell[0] += sign * count
                cell[1] += sign * total

    @property
    def size(self) -> int:
        return len(self.rows) + len(self.cells) + len(self.month_cells)

    def _tables(
        self,
    ) -> Iterator[tuple[type[models.Model], tuple[str, ...], dict[Any, dict[str, int]]]]:
        """Per table: its key fields and the non-zero changes per key."""
        for model, dims in ROLLUP_DIMS.items():
            changes = {
                key: {k: v for k, v in counter.items() if v}
                for (m, key), counter in self.rows.items()
                if m is model
            }
            yield model, ("day", *dims), {k: c for k, c in changes.items() if c}
        hist_dims = ("day", *HIST_DIMS, "metric", "bucket")
        hist_tables: tuple[tuple[type[models.Model], dict[tuple[Any, ...], list[int]]], ...] = (
            (Histogram, self.cells),
            (MonthHistogram, self.month_cells),
        )
        for table, cells in hist_tables:
            yield (
                table,
                hist_dims,
                {k: {"count": c, "total": t} for k, (c, t) in cells.items() if c or t},
            )

    def apply(self, *, fresh: bool = False) -> int:
        """Write the non-zero changes: one ``INSERT … ON CONFLICT DO UPDATE`` (add, not set)
        per table and chunk of keys; returns the number of rows touched. Tables and keys are
        written in one fixed order, so two consumers moving shared rows cannot deadlock on
        PostgreSQL. ``fresh``: the tables hold none of the keys (a rebuild's first write)."""
        touched = 0
        for model, fields, changes in self._tables():
            if changes:
                _upsert_rows(model, fields, sorted(changes.items()), fresh=fresh)
                touched += len(changes)
        return touched


#: Up to this many rows go in one multi-row statement (an event's few cells: one round trip);
#: more (a rebuild) run one prepared single-row statement many times, because psycopg parses a
#: long query text on every call (a 1,000-row statement made a PostgreSQL rebuild 2x slower).
ONE_STATEMENT_ROWS = 50


def _key_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields of the rollup table's unique key (its first unique constraint)."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            return tuple(constraint.fields)
    raise ValueError(f"{model.__name__} has no unique key")


def _upsert_rows(
    model: type[models.Model],
    fields: tuple[str, ...],
    rows: list[tuple[tuple[Any, ...], dict[str, int]]],
    *,
    fresh: bool = False,
) -> None:
    """Add ``rows`` (key, counter changes) to ``model``'s rows: ``INSERT … ON CONFLICT (key)
    DO UPDATE SET c = table.c + excluded.c`` (SQLite ≥ 3.24, PostgreSQL), in the given order:
    one statement for a few rows, else one prepared statement per row. New rows get 0 for the
    counters not named. ``fresh``: the table holds none of the keys (a rebuild's first write),
    plain inserts. Table and column names come from the model, never from input; values are
    parameters."""
    if not rows:
        return
    meta = model._meta
    target = _key_fields(model)
    if set(target) != set(fields):
        raise ValueError(f"{model.__name__}: key {fields} is not the unique key {target}")
    by_name = {f.attname: f for f in meta.concrete_fields if not f.primary_key}
    counters = [name for name in by_name if name not in fields]
    names = [*fields, *counters]
    changed = {name for _key, change in rows for name in change}
    added = [name for name in counters if name in changed]
    ops = connection.ops
    quote = ops.quote_name
    table = quote(meta.db_table)
    column = {name: quote(str(by_name[name].column)) for name in names}
    adapt = [
        ops.adapt_datefield_value if isinstance(by_name[name], models.DateField) else None
        for name in fields
    ]
    sets = ", ".join(f"{column[n]} = {table}.{column[n]} + excluded.{column[n]}" for n in added)
    head = f"INSERT INTO {table} ({', '.join(column[n] for n in names)}) VALUES "  # noqa: S608
    tail = f" ON CONFLICT ({', '.join(column[n] for n in target)}) DO UPDATE SET {sets}"
    if fresh:
        tail = ""
    one = f"({', '.join(['%s'] * len(names))})"
    values = [
        (
            *(v if a is None else a(v) for a, v in zip(adapt, key, strict=True)),
            *(change.get(n, 0) for n in counters),
        )
        for key, change in rows
    ]
    with connection.cursor() as cursor:
        if len(values) <= ONE_STATEMENT_ROWS:
            params = [v for row in values for v in row]
            cursor.execute(head + ", ".join([one] * len(values)) + tail, params)
        else:  # one prepared statement, executed per row (psycopg pipelines them)
            for start in range(0, len(values), 1000):
                cursor.executemany(head + one + tail, values[start : start + 1000])


# --- keeping a batch of tickets ---------------------------------------------------------------


def fact_refresh_numbers(numbers: Iterable[str]) -> int:
    """:func:`fact_refresh` for tickets named by number (the events' payloads of a batch): the
    tickets are locked by their numbers directly (no lookup of their ids first), in one
    transaction. Returns the number of facts that changed."""
    wanted = sorted(set(numbers))
    if not wanted:
        return 0
    with transaction.atomic():
        return _refresh_locked(_lock(Ticket.objects.filter(number__in=wanted)))


def _lock(tickets: models.QuerySet[Ticket]) -> list[Ticket]:
    """The tickets, each row locked (``FOR UPDATE``; SQLite serialises writers), in id order:
    two consumers locking overlapping sets wait for each other instead of deadlocking."""
    return list(
        tickets.select_for_update(of=("self",)).select_related("ticket_type").order_by("pk")
    )


def fact_refresh(ticket_ids: Iterable[int], *, batch: int = BATCH) -> int:
    """Recompute the facts of ``ticket_ids`` and move the rollups by the difference.

    Up to ``batch`` tickets per transaction, holding their rows' locks, so two consumers cannot
    interleave on one ticket. Returns the number of facts that changed.
    """
    ids = sorted(set(ticket_ids))
    changed = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            changed += _refresh_locked(
                _lock(Ticket.objects.filter(pk__in=ids[start : start + batch]))
            )
    return changed


def _refresh_locked(tickets: list[Ticket]) -> int:
    """Recompute the facts of locked ``tickets`` at once: three reads of their rows, one of
    their stored facts; then one upsert per rollup table with the summed differences (cells
    shared between the tickets merged first) and one upsert of the changed facts."""
    if not tickets:
        return 0
    stored = {
        row["ticket_id"]: row
        for row in TicketFact.objects.filter(ticket_id__in=[t.pk for t in tickets]).values(
            *FACT_FIELDS
        )
    }
    deltas, changed = Deltas(), []
    for ticket, raw in zip(tickets, raws_for(tickets), strict=True):
        new = fact_from_raw(raw)
        old = stored.get(ticket.pk)
        if old is not None:
            if _same(old, new):
                continue
            deltas.add(old, -1)
        deltas.add(new, +1)
        changed.append(new)
    if changed:
        deltas.apply()
        _write_facts(changed, upsert=bool(stored))
    return len(changed)


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


FLUSH_KEYS = 100_000


def _write_facts(facts: list[Fact], *, upsert: bool = False) -> None:
    """Insert fact rows with one prepared statement per chunk (``bulk_create`` prepares
    every value through the ORM, a third of a rebuild); each column adapted as the ORM would.
    ``upsert``: a fact already stored is replaced (``ON CONFLICT (ticket) DO UPDATE``)."""
    if not facts:
        return
    ops = connection.ops
    fields = TicketFact._meta.concrete_fields
    adapters: list[Callable[[Any], Any] | None] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        elif isinstance(f, models.JSONField):
            adapters.append(partial(ops.adapt_json_value, encoder=f.encoder))
        else:
            adapters.append(None)
    now = timezone.now()
    quote = ops.quote_name
    sql = (
        f"INSERT INTO {quote(TicketFact._meta.db_table)} "  # noqa: S608 - names from the model
        f"({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if upsert:
        key = quote(str(TicketFact._meta.pk.column))
        sets = ", ".join(
            f"{quote(str(f.column))} = excluded.{quote(str(f.column))}"
            for f in fields
            if not f.primary_key
        )
        sql += f" ON CONFLICT ({key}) DO UPDATE SET {sets}"
    names = [f.attname for f in fields]
    rows = [
        [
            (v if a is None else a(v))
            for a, v in zip(
                adapters,
                (now if n == "computed_at" else fact[n] for n in names),
                strict=True,
            )
        ]
        for fact in facts
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, rows[start : start + 1000])


def reports_rebuild(
    *,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    flush_keys: int = FLUSH_KEYS,
) -> int:
    """Recompute every fact and all rollups from the raw rows. Tickets are read in batches
    (three queries each); their rollup changes are added up in memory across batches and
    written when ``flush_keys`` keys have gathered (memory bounded by that): the first write
    inserts (the tables were just emptied), later ones upsert (add to keys already written).
    Facts are inserted with one prepared statement per batch. Returns the number of tickets."""
    with transaction.atomic():
        for model in (
            MonthAgentRollup,
            AgentRollup,
            Histogram,
            MonthHistogram,
            MonthRollup,
            MonthTypeRollup,
            TypeRollup,
            TeamRollup,
            DailyRollup,
            TicketFact,
        ):
            model._default_manager.all().delete()
    done, deltas, fresh = 0, Deltas(), True
    for tickets in _ticket_batches(batch):
        with transaction.atomic():
            facts = []
            for raw in raws_for(tickets):
                fact = fact_from_raw(raw)
                deltas.add(fact, +1)
                facts.append(fact)
            _write_facts(facts)
            if deltas.size >= flush_keys:
                deltas.apply(fresh=fresh)
                deltas, fresh = Deltas(), False
        done += len(tickets)
        if progress is not None:
            progress(done)
    with transaction.atomic():
        deltas.apply(fresh=fresh)
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
        for ticket, raw in zip(tickets, raws_for(tickets), strict=True):
            fact = fact_from_raw(raw)
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
    for model, dims in ROLLUP_DIMS.items():
        want = {key: c for (m, key), c in expected.rows.items() if m is model}
        _compare_table(model, dims, names, want, drift)
    hist_dims = ("day", *HIST_DIMS, "metric", "bucket")
    hist_tables: tuple[tuple[type[models.Model], dict[tuple[Any, ...], list[int]]], ...] = (
        (Histogram, expected.cells),
        (MonthHistogram, expected.month_cells),
    )
    for table, expected_cells in hist_tables:
        cells = dict(expected_cells)
        label = table.__name__
        for row in table._default_manager.values(*hist_dims, "count", "total").iterator():
            key = tuple(row[d] for d in hist_dims)
            count, total = cells.pop(key, [0, 0])
            if (row["count"], row["total"]) != (count, total):
                drift.cells[(label, key, "count")] = (row["count"], count)
        for key, (count, _total) in cells.items():
            if count:
                drift.cells[(label, key, "count")] = (0, count)


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
