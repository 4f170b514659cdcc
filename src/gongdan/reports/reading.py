"""Reading the rollups: which table answers a reader's question, and the few queries the
selectors compose (sums per period, backlog levels, distributions, breakdowns).

A question whose scope or filters name an agent, a category or an organization reads the fine
:class:`DailyRollup` (and exact durations from :class:`TicketFact`); any other reads the coarse
counters per day|month × team × type (:class:`TypeRollup`, :class:`MonthTypeRollup`; the
:class:`TeamRollup`, :class:`MonthRollup` when it names a channel or a priority) and the
distributions from :class:`Histogram` — unless it filters by channel or priority, which the
histograms do not keep: then they are read exactly from :class:`TicketFact` by indexed day
range. Neither ever reads the ticket table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Case, CharField, Q, Sum, Value, When

from gongdan.reports.filters import ReportFilters
from gongdan.reports.metrics import (
    BACKLOG_FIELDS,
    local_day,
    percentile,
    percentile_of_buckets,
)
from gongdan.reports.models import (
    AgentRollup,
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
from gongdan.reports.periods import Period
from gongdan.reports.scope import Scope

FINE_ONLY = ("assignee", "category", "organization")
WIDE = {"channel", "priority"}
DURATIONS = ("frt", "frt_b", "res", "res_b")
_FACT_COLUMNS = {
    "frt": ("first_response_day", "frt_seconds"),
    "frt_b": ("first_response_day", "frt_business"),
    "res": ("resolved_day", "res_seconds"),
    "res_b": ("resolved_day", "res_business"),
}


@dataclass(frozen=True)
class Slice:
    """The rows a question may read: ``q`` applies to any rollup table that has the
    dimensions it names (all of them for ``fine``)."""

    q: Q
    fine: bool
    empty: bool = False
    #: Names a channel or a priority (a filter, or a grouping): the coarse counters come from
    #: :class:`TeamRollup`, not :class:`TypeRollup`, which keeps neither.
    wide: bool = False

    @property
    def exact(self) -> bool:
        """Distributions come from the facts (exact), not the histograms: a fine slice, or a
        filter on a dimension the histograms do not keep (channel, priority)."""
        return self.fine or self.wide

    @property
    def model(self) -> type[models.Model]:
        if self.fine:
            return DailyRollup
        return TeamRollup if self.wide else TypeRollup

    @property
    def month_model(self) -> type[models.Model]:
        """The monthly counters of a coarse slice."""
        return MonthRollup if self.wide else MonthTypeRollup

    def widened(self, *names: str) -> Slice:
        """The slice for a question that also groups by ``names``."""
        if self.wide or not set(names) & WIDE:
            return self
        return replace(self, wide=True)

    def rows(self, **lookups: Any) -> models.QuerySet[Any]:
        qs = self.model._default_manager.filter(self.q, **lookups)
        return qs.none() if self.empty else qs


def slice_for(
    scope: Scope, filters: ReportFilters, *, fine: bool = False, wide: bool = False
) -> Slice:
    """The scope first (``reports.scope``), then the filters. ``fine``/``wide``: the question
    groups by an agent, category or organization / by a channel or priority."""
    q = Q()
    if scope.teams:
        q &= Q(team__in=sorted(scope.teams))
    if scope.agent is not None:
        q &= Q(assignee=scope.agent)
    if scope.organization is not None:
        q &= Q(organization=scope.organization)
    for name, value in (
        ("team", filters.team),
        ("assignee", filters.assignee),
        ("ticket_type", filters.ticket_type),
        ("category", filters.category),
        ("organization", filters.organization),
    ):
        if value is not None:
            q &= Q(**{name: value})
    if filters.channel:
        q &= Q(channel=filters.channel)
    if filters.priority:
        q &= Q(priority=filters.priority)
    fine = fine or bool(
        scope.agent is not None
        or scope.organization is not None
        or any(getattr(filters, n) is not None for n in FINE_ONLY)
    )
    scoped = scope.everything or scope.teams or scope.agent is not None or scope.organization
    empty = scope.nothing or not scoped
    wide = wide or bool(filters.channel or filters.priority)
    return Slice(q=q, fine=fine, empty=empty, wide=wide)


def agent_slice(scope: Scope, filters: ReportFilters) -> Slice | None:
    """The slice of a per-agent question on the agent rollups (day|month × team × agent ×
    type; read like the coarse tables: edge days and whole months), or None when its scope or
    filters name a dimension they lack (category, organization, channel, priority): then the
    fine :class:`DailyRollup` answers."""
    if (
        scope.organization is not None
        or filters.category is not None
        or filters.organization is not None
        or filters.channel
        or filters.priority
    ):
        return None
    return replace(slice_for(scope, filters), fine=False, wide=False)


AGENT_TABLES = (AgentRollup, MonthAgentRollup)


# --- sums ------------------------------------------------------------------------------------


#: A filter that matches nothing but still runs its query (so query counts stay constant).
NOTHING = Q(day__lt=date(1900, 1, 1)) & Q(day__gt=date(1900, 1, 1))
CELLS = (Histogram, MonthHistogram)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def days_between(start: date, end: date) -> list[date]:
    """Every day of ``[start, end]``."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def split(start: date, end: date) -> tuple[list[date], list[date]]:
    """``[start, end]`` as (the days outside whole months, the first days of the whole months
    inside): a coarse question reads whole months from the monthly tables.

    The days outside whole months (fewer than two months' worth) are listed (``day IN``)
    rather than given as ranges: an OR of ranges is no index range, so the database would
    read every day of the indexed prefix (the whole history of a metric); a list is one
    index seek per day, reading exactly the rows asked for."""
    months, month = [], start if start.day == 1 else _next_month(start)
    while _next_month(month) - timedelta(days=1) <= end:
        months.append(month)
        month = _next_month(month)
    if not months:
        return days_between(start, end), []
    edges: list[date] = []
    if start < months[0]:
        edges += days_between(start, months[0] - timedelta(days=1))
    if _next_month(months[-1]) <= end:
        edges += days_between(_next_month(months[-1]), end)
    return edges, months


def split_sums(
    s: Slice,
    ranges: dict[str, tuple[date, date]],
    group: Sequence[str],
    fields: Sequence[str],
    *,
    tables: tuple[type[models.Model], type[models.Model]] | None = None,
    where: Q | None = None,
) -> dict[str, dict[tuple[Any, ...], Counter[str]]]:
    """Sums of ``fields`` per range label and per ``group`` values. A fine slice reads its
    daily rows (one query, one day range); a coarse one reads the edge days from
    ``tables[0]`` and the whole months from ``tables[1]`` (two queries, whatever the length;
    each reads only the listed days' rows). The counters by default: the slice's daily table
    (widened for a channel or priority grouping) and its monthly one (``Slice.month_model``)."""
    out: dict[str, dict[tuple[Any, ...], Counter[str]]] = {label: {} for label in ranges}
    if tables is None:
        s = s.widened(*group)
        tables = (s.model, s.month_model)
    pieces: list[tuple[models.QuerySet[Any], Q, dict[str, Q]]] = []
    if s.fine:
        bounds = Q(
            day__gte=min(a for a, _b in ranges.values()),
            day__lte=max(b for _a, b in ranges.values()),
        )
        labels = {k: Q(day__gte=a, day__lte=b) for k, (a, b) in ranges.items()}
        pieces.append((s.rows(), bounds, labels))
    else:
        splits = {label: split(a, b) for label, (a, b) in ranges.items()}
        daily, monthly = (m._default_manager.filter(s.q) for m in tables)
        if s.empty:
            daily, monthly = daily.none(), monthly.none()
        for qs, index in ((daily, 0), (monthly, 1)):
            lists = {label: parts[index] for label, parts in splits.items() if parts[index]}
            every = sorted({d for days in lists.values() for d in days})
            bounds = Q(day__in=every) if every else NOTHING
            pieces.append((qs, bounds, {label: Q(day__in=d) for label, d in lists.items()}))
    for qs, bounds, conditions in pieces:
        # The ranges do not overlap: label each row once (a CASE), then group by the label,
        # rather than filtering every sum by every range.
        qs = qs.filter(bounds)
        if where is not None:
            qs = qs.filter(where)
        label_of = Case(
            *(When(condition, then=Value(label)) for label, condition in conditions.items()),
            default=Value(""),
            output_field=CharField(),
        )
        rows = (
            qs.annotate(_range=label_of)
            .values("_range", *group)
            .annotate(**{f"s__{name}": Sum(name) for name in fields})
            .order_by()
        )
        for row in rows:
            if row["_range"] not in out:
                continue
            counter = out[row["_range"]].setdefault(tuple(row[g] for g in group), Counter())
            for name in fields:
                counter[name] += row[f"s__{name}"] or 0
    return out


def period_sums(
    s: Slice, period: Period, fields: Sequence[str]
) -> tuple[Counter[str], Counter[str]]:
    """Sums of ``fields`` over ``period`` and over the previous period."""
    prev = period.previous()
    sums = split_sums(s, {"c": (period.start, period.end), "p": (prev.start, prev.end)}, (), fields)
    return sums["c"].get((), Counter()), sums["p"].get((), Counter())


def period_sums_by(
    s: Slice,
    period: Period,
    fields: Sequence[str],
    groups: Sequence[str],
    group_fields: Sequence[str],
) -> tuple[Counter[str], Counter[str], dict[str, dict[Any, Counter[str]]]]:
    """:func:`period_sums` (``fields``) and :func:`grouped_sums` (``group_fields``) per each of
    ``groups`` over the period, in place of two queries per figure: one grouping by the
    groups the daily table keeps (team, type) over both periods, one by the others (channel,
    priority; :class:`TeamRollup`) over the period; two queries each on a coarse slice. The
    rows they return are bounded by the dimensions' distinct values."""
    prev = period.previous()
    narrow = tuple(g for g in groups if g not in WIDE)
    wide = tuple(g for g in groups if g in WIDE)
    sums = split_sums(
        s, {"c": (period.start, period.end), "p": (prev.start, prev.end)}, narrow, fields
    )
    totals: list[Counter[str]] = []
    for label in ("c", "p"):
        total: Counter[str] = Counter()
        for counter in sums[label].values():
            total.update(counter)
        totals.append(total)
    by: dict[str, dict[Any, Counter[str]]] = {g: {} for g in groups}
    parts = [(narrow, sums["c"])]
    if wide:
        parts.append(
            (wide, split_sums(s, {"c": (period.start, period.end)}, wide, group_fields)["c"])
        )
    for names, rows in parts:
        for key, counter in rows.items():
            for group, value in zip(names, key, strict=True):
                by[group].setdefault(value, Counter()).update(counter)
    return totals[0], totals[1], by


def backlog_levels(s: Slice, days: Sequence[date]) -> list[list[int]]:
    """The backlog per age band at the end of each of ``days``: the sum of every daily change
    up to that day. A fine slice sums its daily rows (one query); a coarse one sums whole
    months from the monthly table and the days of the last month from the daily table
    (two queries, whatever the history's length)."""
    if s.fine:
        aggregates = {
            f"{i}__{name}": Sum(name, filter=Q(day__lte=day))
            for i, day in enumerate(days)
            for name in BACKLOG_FIELDS
        }
        row = s.rows(day__lte=max(days)).aggregate(**aggregates)
        return [[row[f"{i}__{n}"] or 0 for n in BACKLOG_FIELDS] for i in range(len(days))]
    firsts = [day.replace(day=1) for day in days]
    month_rows = s.month_model._default_manager
    months = month_rows.filter(s.q, day__lt=max(firsts)) if not s.empty else None
    month_row = (
        months.aggregate(
            **{
                f"{i}__{name}": Sum(name, filter=Q(day__lt=first))
                for i, first in enumerate(firsts)
                for name in BACKLOG_FIELDS
            }
        )
        if months is not None
        else {}
    )
    in_month = sorted(
        {d for day, first in zip(days, firsts, strict=True) for d in days_between(first, day)}
    )
    day_row = (
        s.rows()
        .filter(day__in=in_month)
        .aggregate(
            **{
                f"{i}__{name}": Sum(name, filter=Q(day__gte=first, day__lte=day))
                for i, (day, first) in enumerate(zip(days, firsts, strict=True))
                for name in BACKLOG_FIELDS
            }
        )
    )
    return [
        [(month_row.get(f"{i}__{n}") or 0) + (day_row[f"{i}__{n}"] or 0) for n in BACKLOG_FIELDS]
        for i in range(len(days))
    ]


def sums_before(s: Slice, day: date, group: str, fields: Sequence[str]) -> dict[Any, Counter[str]]:
    """Sums of ``fields`` over everything before ``day`` per value of ``group`` ("" for one
    total): whole months from the monthly table on coarse slices, as for backlog levels."""
    if s.fine:
        pieces = [s.rows(day__lt=day)]
    else:
        first = day.replace(day=1)
        months = s.month_model._default_manager.filter(s.q, day__lt=first)
        pieces = [months.none() if s.empty else months, s.rows(day__gte=first, day__lt=day)]
    out: dict[Any, Counter[str]] = {}
    for qs in pieces:
        if group:
            rows = list(qs.values(group).annotate(**{n: Sum(n) for n in fields}).order_by())
        else:
            rows = [{"": "", **qs.aggregate(**{n: Sum(n) for n in fields})}]
        for r in rows:
            counter = out.setdefault(r[group], Counter())
            for n in fields:
                counter[n] += r[n] or 0
    return out


def grouped_sums(
    s: Slice,
    period: Period,
    group: str,
    fields: Sequence[str],
    *,
    exclude_none: bool = False,
    tables: tuple[type[models.Model], type[models.Model]] | None = None,
) -> dict[Any, Counter[str]]:
    """Sums of ``fields`` over ``period`` per value of the dimension ``group`` (``tables``: the
    daily and monthly tables to read instead of the slice's own, e.g. ``AGENT_TABLES``)."""
    none = ~Q(**{group: "" if group in ("channel", "priority") else 0})
    sums = split_sums(
        s,
        {"c": (period.start, period.end)},
        (group,),
        fields,
        tables=tables,
        where=none if exclude_none else None,
    )
    return {key[0]: counter for key, counter in sums["c"].items()}


def daily_sums(s: Slice, period: Period, fields: Sequence[str]) -> dict[date, Counter[str]]:
    rows = (
        s.rows(day__gte=period.start, day__lte=period.end)
        .values("day")
        .annotate(**{n: Sum(n) for n in fields})
        .order_by()
    )
    return {r["day"]: Counter({n: r[n] or 0 for n in fields}) for r in rows}


# --- distributions ---------------------------------------------------------------------------


@dataclass
class Distribution:
    count: int = 0
    total: int = 0
    median: int | None = None
    p90: int | None = None

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


def _from_buckets(buckets: dict[int, int], totals: dict[int, int]) -> Distribution:
    return Distribution(
        count=sum(buckets.values()),
        total=sum(totals.values()),
        median=percentile_of_buckets(buckets, 0.5, totals),
        p90=percentile_of_buckets(buckets, 0.9, totals),
    )


def _from_values(values: list[int]) -> Distribution:
    return Distribution(
        count=len(values),
        total=sum(values),
        median=percentile(values, 0.5),
        p90=percentile(values, 0.9),
    )


def durations(
    s: Slice, period: Period, metrics: Sequence[str] = DURATIONS
) -> tuple[dict[str, Distribution], dict[str, Distribution]]:
    """FRT and resolution distributions for the period and the previous one (one query):
    exact values from the facts on exact slices, log buckets on the others."""
    prev = period.previous()
    if s.empty:
        return {m: Distribution() for m in metrics}, {m: Distribution() for m in metrics}
    if s.exact:
        return _fact_durations(s, period, metrics)
    sums = split_sums(
        s,
        {"c": (period.start, period.end), "p": (prev.start, prev.end)},
        ("metric", "bucket"),
        ("count", "total"),
        tables=CELLS,
        where=Q(metric__in=metrics),
    )
    out: list[dict[str, Distribution]] = []
    for label in ("c", "p"):
        counts: dict[str, dict[int, int]] = defaultdict(dict)
        totals: dict[str, dict[int, int]] = defaultdict(dict)
        for (metric, bucket), c in sums[label].items():
            if c["count"]:
                counts[metric][bucket] = c["count"]
                totals[metric][bucket] = c["total"]
        out.append({m: _from_buckets(counts[m], totals[m]) for m in metrics})
    return out[0], out[1]


def _fact_durations(
    s: Slice, period: Period, metrics: Sequence[str]
) -> tuple[dict[str, Distribution], dict[str, Distribution]]:
    prev = period.previous()
    span = (prev.start, period.end)
    facts = TicketFact.objects.filter(s.q).filter(
        Q(first_response_day__range=span) | Q(resolved_day__range=span)
    )
    columns = sorted({c for m in metrics for c in _FACT_COLUMNS[m]})
    cur: dict[str, list[int]] = defaultdict(list)
    before: dict[str, list[int]] = defaultdict(list)
    for row in facts.values(*columns):
        for m in metrics:
            day_col, value_col = _FACT_COLUMNS[m]
            day, value = row[day_col], row[value_col]
            if day is None or value is None:
                continue
            if period.start <= day <= period.end:
                cur[m].append(value)
            elif prev.start <= day <= prev.end:
                before[m].append(value)
    return (
        {m: _from_values(cur[m]) for m in metrics},
        {m: _from_values(before[m]) for m in metrics},
    )


_DWELL = Q(metric__startswith="dwell.")
#: The same rows as a range, which SQLite's indexes serve (its LIKE cannot); SQLite compares
#: bytewise, so the range is exact there (not under a linguistic PostgreSQL collation).
_DWELL_RANGE = Q(metric__gte="dwell.", metric__lt="dwell/")


def dwell(s: Slice, period: Period) -> dict[tuple[int, str], Distribution]:
    """Completed stays that ended in the period, per (ticket type, "status.<s>"/"team.<id>");
    type 0 holds all types together."""
    if s.empty:
        return {}
    if s.exact:
        return _fact_dwell(s, period)
    sums = split_sums(
        s,
        {"c": (period.start, period.end)},
        ("ticket_type", "metric", "bucket"),
        ("count", "total"),
        tables=CELLS,
        where=_DWELL if connection.vendor != "sqlite" else _DWELL & _DWELL_RANGE,
    )
    buckets: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (type_id, metric, bucket), c in sums["c"].items():
        stage = metric[len("dwell.") :]
        for key in ((type_id, stage), (0, stage)):
            buckets[key][bucket] += c["count"]
            totals[key][bucket] += c["total"]
    return {
        key: _from_buckets(dict(b), dict(totals[key]))
        for key, b in buckets.items()
        if sum(b.values())
    }


def _fact_dwell(s: Slice, period: Period) -> dict[tuple[int, str], Distribution]:
    facts = TicketFact.objects.filter(
        s.q, created_day__lte=period.end, last_change_day__gte=period.start
    )
    values: dict[tuple[int, str], list[int]] = defaultdict(list)
    for type_id, history in facts.values_list("ticket_type", "history"):
        for kind, stage, end, secs in (history or {}).get("stays", []):
            if period.start <= local_day(datetime.fromisoformat(end)) <= period.end:
                values[(type_id, f"{kind}.{stage}")].append(secs)
                values[(0, f"{kind}.{stage}")].append(secs)
    return {key: _from_values(v) for key, v in values.items()}


def arrivals(s: Slice, period: Period) -> Counter[int]:
    """Tickets created in the period per hour of the week (0 = Monday 00:00–01:00, local)."""
    if s.empty:
        return Counter()
    if s.exact:
        rows: Iterable[Any] = (
            TicketFact.objects.filter(
                s.q, created_day__gte=period.start, created_day__lte=period.end
            )
            .values("created_how")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        return Counter({r["created_how"]: r["n"] for r in rows})
    sums = split_sums(
        s,
        {"c": (period.start, period.end)},
        ("bucket",),
        ("count",),
        tables=CELLS,
        where=Q(metric="arrival"),
    )
    return Counter({key[0]: c["count"] for key, c in sums["c"].items() if c["count"]})
