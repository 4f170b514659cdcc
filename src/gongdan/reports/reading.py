"""Reading the rollups: which table answers a reader's question, and the few queries the
selectors compose (sums per period, backlog levels, distributions, breakdowns).

A question whose scope or filters name an agent, a category or an organization reads the fine
:class:`DailyRollup` (and exact durations from :class:`TicketFact`); any other reads the coarse
:class:`TeamRollup` and :class:`Histogram`. Neither ever reads the ticket table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import Q, Sum

from gongdan.reports.filters import ReportFilters
from gongdan.reports.metrics import (
    BACKLOG_FIELDS,
    local_day,
    percentile,
    percentile_of_buckets,
)
from gongdan.reports.models import DailyRollup, Histogram, MonthRollup, TeamRollup, TicketFact
from gongdan.reports.periods import Period
from gongdan.reports.scope import Scope

FINE_ONLY = ("assignee", "category", "organization")
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

    @property
    def model(self) -> type[models.Model]:
        return DailyRollup if self.fine else TeamRollup

    def rows(self, **lookups: Any) -> models.QuerySet[Any]:
        qs = self.model._default_manager.filter(self.q, **lookups)
        return qs.none() if self.empty else qs


def slice_for(scope: Scope, filters: ReportFilters, *, fine: bool = False) -> Slice:
    """The scope first (``reports.scope``), then the filters."""
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
    return Slice(q=q, fine=fine, empty=empty)


# --- sums ------------------------------------------------------------------------------------


def period_sums(
    s: Slice, period: Period, fields: Sequence[str]
) -> tuple[Counter[str], Counter[str]]:
    """Sums of ``fields`` over ``period`` and over the previous period (one query)."""
    prev = period.previous()
    cur_q, prev_q = Q(day__gte=period.start), Q(day__lt=period.start)
    aggregates: dict[str, Any] = {}
    for name in fields:
        aggregates[f"c__{name}"] = Sum(name, filter=cur_q)
        aggregates[f"p__{name}"] = Sum(name, filter=prev_q)
    row = s.rows(day__gte=prev.start, day__lte=period.end).aggregate(**aggregates)
    cur = Counter({n: row[f"c__{n}"] or 0 for n in fields})
    before = Counter({n: row[f"p__{n}"] or 0 for n in fields})
    return cur, before


def backlog_levels(s: Slice, days: Sequence[date]) -> list[list[int]]:
    """The backlog per age band at the end of each of ``days``: the sum of every daily change
    up to that day. A fine slice sums its daily rows (one query); a coarse one sums whole
    months from :class:`MonthRollup` and the days of the last month from :class:`TeamRollup`
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
    months = MonthRollup.objects.filter(s.q, day__lt=max(firsts)) if not s.empty else None
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
    in_month = Q()
    for day, first in zip(days, firsts, strict=True):
        in_month |= Q(day__gte=first, day__lte=day)
    day_row = (
        s.rows()
        .filter(in_month)
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
    total): whole months from :class:`MonthRollup` on coarse slices, as for backlog levels."""
    if s.fine:
        pieces = [s.rows(day__lt=day)]
    else:
        first = day.replace(day=1)
        months = MonthRollup.objects.filter(s.q, day__lt=first)
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
    s: Slice, period: Period, group: str, fields: Sequence[str], *, exclude_none: bool = False
) -> dict[Any, Counter[str]]:
    """Sums of ``fields`` over ``period`` per value of the dimension ``group`` (one query)."""
    qs = s.rows(day__gte=period.start, day__lte=period.end)
    if exclude_none:
        qs = qs.exclude(**{group: "" if group in ("channel", "priority") else 0})
    rows = qs.values(group).annotate(**{n: Sum(n) for n in fields}).order_by()
    return {r[group]: Counter({n: r[n] or 0 for n in fields}) for r in rows}


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
    exact values from the facts on fine slices, log buckets (±4.4 %) on coarse ones."""
    prev = period.previous()
    if s.empty:
        return {m: Distribution() for m in metrics}, {m: Distribution() for m in metrics}
    if s.fine:
        return _fact_durations(s, period, metrics)
    rows = (
        Histogram.objects.filter(s.q, metric__in=metrics, day__gte=prev.start, day__lte=period.end)
        .values("metric", "bucket")
        .annotate(
            c=Sum("count", filter=Q(day__gte=period.start)),
            ct=Sum("total", filter=Q(day__gte=period.start)),
            p=Sum("count", filter=Q(day__lt=period.start)),
            pt=Sum("total", filter=Q(day__lt=period.start)),
        )
        .order_by()
    )
    cur: dict[str, dict[int, int]] = defaultdict(dict)
    before: dict[str, dict[int, int]] = defaultdict(dict)
    cur_t: dict[str, dict[int, int]] = defaultdict(dict)
    before_t: dict[str, dict[int, int]] = defaultdict(dict)
    for r in rows:
        if r["c"]:
            cur[r["metric"]][r["bucket"]] = r["c"]
            cur_t[r["metric"]][r["bucket"]] = r["ct"] or 0
        if r["p"]:
            before[r["metric"]][r["bucket"]] = r["p"]
            before_t[r["metric"]][r["bucket"]] = r["pt"] or 0
    return (
        {m: _from_buckets(cur[m], cur_t[m]) for m in metrics},
        {m: _from_buckets(before[m], before_t[m]) for m in metrics},
    )


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


def dwell(s: Slice, period: Period) -> dict[tuple[int, str], Distribution]:
    """Completed stays that ended in the period, per (ticket type, "status.<s>"/"team.<id>");
    type 0 holds all types together."""
    if s.empty:
        return {}
    if s.fine:
        return _fact_dwell(s, period)
    rows = (
        Histogram.objects.filter(
            s.q, metric__startswith="dwell.", day__gte=period.start, day__lte=period.end
        )
        .values("ticket_type", "metric", "bucket")
        .annotate(c=Sum("count"), t=Sum("total"))
        .order_by()
    )
    buckets: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        stage = r["metric"][len("dwell.") :]
        for key in ((r["ticket_type"], stage), (0, stage)):
            buckets[key][r["bucket"]] += r["c"] or 0
            totals[key][r["bucket"]] += r["t"] or 0
    return {key: _from_buckets(dict(b), dict(totals[key])) for key, b in buckets.items()}


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
    if s.fine:
        rows: Iterable[Any] = (
            TicketFact.objects.filter(
                s.q, created_day__gte=period.start, created_day__lte=period.end
            )
            .values("created_how")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        return Counter({r["created_how"]: r["n"] for r in rows})
    rows = (
        Histogram.objects.filter(s.q, metric="arrival", day__gte=period.start, day__lte=period.end)
        .values("bucket")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return Counter({r["bucket"]: r["n"] or 0 for r in rows})
