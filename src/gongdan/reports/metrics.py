"""Every metric's one definition, in code (docs/metrics.md says the same in words).

Two pure steps, both testable without a database:

1. :func:`fact_from_raw` turns one ticket's own rows (the ticket, its status/team/assignee
   timeline entries, its public comments, its SLA clocks) into its **fact**: a dict with the
   fields of :class:`~gongdan.reports.models.TicketFact`.
2. :func:`contributions` turns a fact into what it adds to the rollups: counters per local day
   and histogram cells per (day, metric, bucket).

The rollups are sums of contributions, so a figure read from them equals the same figure
computed from the raw rows (``tests/reports/test_property``). Durations are whole seconds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongdan.tickets.choices import OPEN_STATUSES, Channel, Status, TimelineKind

Fact = dict[str, Any]
DayCounters = dict[date, Counter[str]]
Cells = dict[tuple[date, str, int], list[int]]  # (day, metric, bucket) -> [count, total]

#: Channels whose first response is the first agent action (the customer is on the line or at
#: the desk, so a reply is not how they are answered).
ACTION_CHANNELS = (Channel.PHONE,)
#: Ticket types whose resolution time is MTTR (by code; settings may widen it).
DEFAULT_INCIDENT_CODES = ("incident",)
#: Backlog age bands (lower bounds; the last is open-ended): <1 d, 1–3 d, 3–7 d, 7–30 d, ≥30 d.
AGE_BANDS = (timedelta(0), timedelta(days=1), timedelta(days=3), timedelta(days=7), timedelta(30))
AGE_LABELS: tuple[Promise, ...] = (
    _("under 1 day"),
    _("1–3 days"),
    _("3–7 days"),
    _("7–30 days"),
    _("30 days or more"),
)
BACKLOG_FIELDS = ("bl_0", "bl_1", "bl_2", "bl_3", "bl_4")
#: Histogram resolution: buckets per doubling (relative error of a percentile ≤ 2^(1/16)−1).
BUCKETS_PER_DOUBLING = 8
SLA_TARGETS = {"first_response": "fr", "next_response": "nr", "resolution": "rs"}
SLA_OUTCOMES = ("met", "breached", "paused")
RESOLVED_STATES = (Status.RESOLVED, Status.CLOSED)


def incident_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "GONGDAN_INCIDENT_TYPE_CODES", DEFAULT_INCIDENT_CODES))


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def backlog_day(moment: datetime) -> date:
    """The first local day whose end (next midnight) is at or after ``moment``: a ticket is in
    the backlog of day D when it is open at the end of D."""
    return local_day(moment - timedelta(microseconds=1))


def hour_of_week(moment: datetime) -> int:
    local = timezone.localtime(moment)
    return local.weekday() * 24 + local.hour


def seconds(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


# --- histogram buckets and percentiles -----------------------------------------------------


def bucket_of(value: int) -> int:
    """Log bucket of a duration: 0 for under a second, else 1 + ⌊8·log2(seconds)⌋."""
    if value < 1:
        return 0
    return 1 + math.floor(math.log2(value) * BUCKETS_PER_DOUBLING)


def bucket_value(bucket: int) -> int:
    """The value a bucket stands for: its geometric middle (0 for bucket 0)."""
    if bucket <= 0:
        return 0
    return round(2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING))


def rank(count: int, p: float) -> int:
    """Nearest rank (1-based) of the ``p`` quantile among ``count`` values."""
    return max(1, math.ceil(p * count))


def percentile(values: Sequence[int], p: float) -> int | None:
    """Nearest-rank percentile of exact values (None without values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[rank(len(ordered), p) - 1]


def percentile_of_buckets(
    counts: dict[int, int], p: float, totals: dict[int, int] | None = None
) -> int | None:
    """The same percentile read from bucket counts: the bucket holding the nearest rank,
    standing for the mean of its values when ``totals`` are known (else its middle)."""
    n = sum(counts.values())
    if n <= 0:
        return None
    wanted, seen = rank(n, p), 0
    chosen = max(counts)
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= wanted:
            chosen = bucket
            break
    if totals is not None and counts[chosen]:
        return round(totals.get(chosen, 0) / counts[chosen])
    return bucket_value(chosen)


def mean(total: float | None, count: float | None) -> float | None:
    return None if not count else float(total or 0) / float(count)


def ratio(part: float | None, whole: float | None) -> float | None:
    return None if not whole else float(part or 0) / float(whole)


# --- raw rows -> fact ------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """One ticket's own rows, as :func:`fact_from_raw` reads them."""

    ticket: Any  # a Ticket (with ``ticket_type`` loaded)
    entries: Sequence[dict[str, Any]]  # timeline: kind, created_at, data, actor_id, actor_staff
    comments: Sequence[dict[str, Any]]  # public comments: created_at, by_staff
    clocks: Sequence[dict[str, Any]]  # SLA clocks: target, met_at, breached_at, running_since…
    business: Callable[[datetime, datetime], float]  # business seconds on the SLA calendar


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _segments(raw: Raw) -> list[tuple[str, datetime, datetime | None]]:
    """The ticket's statuses over time: (status, from, until or None for the current one)."""
    t = raw.ticket
    changes = [e for e in raw.entries if e["kind"] == TimelineKind.STATUS_CHANGED]
    status = changes[0]["data"].get("old", t.status) if changes else t.status
    since, out = t.created_at, []
    for change in changes:
        at = max(change["created_at"], since)
        out.append((status, since, at))
        status, since = change["data"].get("new", status), at
    out.append((status, since, None))
    return out


def _team_segments(raw: Raw) -> list[tuple[int | None, datetime, datetime | None]]:
    t = raw.ticket
    changes = [e for e in raw.entries if e["kind"] == TimelineKind.TEAM_CHANGED]
    team = changes[0]["data"].get("old") if changes else t.team_id
    since, out = t.created_at, []
    for change in changes:
        at = max(change["created_at"], since)
        out.append((team, since, at))
        team, since = change["data"].get("new"), at
    out.append((team, since, None))
    return out


def _open_intervals(segments: list[tuple[str, datetime, datetime | None]]) -> list[list[Any]]:
    intervals: list[list[Any]] = []
    for status, start, end in segments:
        if status not in OPEN_STATUSES:
            continue
        if intervals and intervals[-1][1] == start:
            intervals[-1][1] = end  # consecutive open statuses are one open interval
        else:
            intervals.append([start, end])
    return [[_iso(a), _iso(b)] for a, b in intervals]


def _reassignments(raw: Raw) -> int:
    """Moves to another team, and hand-overs from one agent to another (an unassignment is
    no hand-over: it comes with a team move, or the ticket goes back to the queue)."""
    moves = 0
    for e in raw.entries:
        old, new = e["data"].get("old"), e["data"].get("new")
        if e["kind"] == TimelineKind.TEAM_CHANGED:
            moves += old is not None and new != old
        elif e["kind"] == TimelineKind.ASSIGNED:
            moves += old is not None and new is not None and new != old
    return moves


def first_response(raw: Raw) -> datetime | None:
    """The first public staff reply; for phone tickets the first staff action if earlier."""
    t = raw.ticket
    moments = [c["created_at"] for c in raw.comments if c["by_staff"]]
    if t.first_response_at is not None:
        moments.append(t.first_response_at)
    if t.channel in ACTION_CHANNELS:
        moments += [
            e["created_at"]
            for e in raw.entries
            if e["actor_staff"] and e["kind"] != TimelineKind.CREATED
        ]
    moments = [m for m in moments if m >= t.created_at]
    return min(moments) if moments else None


def _sla(raw: Raw, stopped: bool, created_day: date) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for clock in raw.clocks:
        target = clock["target"]
        met, breached = clock["met_at"], clock["breached_at"]
        late = clock["elapsed_seconds"] > clock["target_minutes"] * 60
        if breached is not None or (met is not None and late):
            out[target] = ["breached", local_day(breached or met).isoformat()]
        elif met is not None:
            out[target] = ["met", local_day(met).isoformat()]
        elif clock["running_since"] is None and not stopped:
            out[target] = ["paused", created_day.isoformat()]
    return out


def fact_from_raw(raw: Raw) -> Fact:
    """The ticket's fact (see docs/metrics.md for each field's definition)."""
    t = raw.ticket
    created = t.created_at
    merged = t.merged_into_id is not None
    segments = _segments(raw)
    reopens = [
        e["created_at"]
        for e in raw.entries
        if e["kind"] == TimelineKind.STATUS_CHANGED and e["data"].get("new") == Status.REOPENED
    ]
    fr = first_response(raw)
    resolved = t.resolved_at if t.status in RESOLVED_STATES and not merged else None
    customer_after = [
        c["created_at"]
        for c in raw.comments
        if not c["by_staff"] and c["created_at"] > (fr or created)
    ]
    stays: list[list[Any]] = [
        ["status", status, _iso(end), seconds(start, end)]
        for status, start, end in segments
        if end is not None
    ]
    stays += [
        ["team", str(team), _iso(end), seconds(start, end)]
        for team, start, end in _team_segments(raw)
        if end is not None and team is not None
    ]
    created_day = local_day(created)
    ends = [datetime.fromisoformat(str(stay[2])) for stay in stays]
    last_change = max([created, *ends])
    return {
        "ticket_id": t.pk,
        "team": t.team_id or 0,
        "assignee": t.assignee_id or 0,
        "ticket_type": t.ticket_type_id or 0,
        "category": t.category_id or 0,
        "organization": t.organization_id or 0,
        "channel": t.channel or "",
        "priority": t.priority or "",
        "status": t.status,
        "is_incident": t.ticket_type.code in incident_codes(),
        "is_merged": merged,
        "created_at": created,
        "created_day": created_day,
        "created_how": hour_of_week(created),
        "first_response_at": fr,
        "first_response_day": local_day(fr) if fr else None,
        "frt_seconds": seconds(created, fr) if fr else None,
        "frt_business": round(raw.business(created, fr)) if fr else None,
        "resolved_at": resolved,
        "resolved_day": local_day(resolved) if resolved else None,
        "res_seconds": seconds(created, resolved) if resolved else None,
        "res_business": round(raw.business(created, resolved)) if resolved else None,
        "closed_at": t.closed_at if t.status in (Status.CLOSED, Status.CANCELLED) else None,
        "last_change_day": local_day(last_change),
        "reopen_count": len(reopens),
        "reassign_count": _reassignments(raw),
        "fcr": (not reopens and not customer_after) if resolved else None,
        "history": {
            "open": _open_intervals(segments),
            "reopens": [_iso(r) for r in reopens],
            "stays": stays,
            "sla": _sla(raw, t.status in (Status.CLOSED, Status.CANCELLED), created_day),
        },
    }


# --- fact -> contributions -------------------------------------------------------------------


def _backlog(c: DayCounters, created: datetime, intervals: Iterable[list[Any]]) -> None:
    """+1/−1 per age band on the days a ticket enters and leaves it while open (at day end)."""
    bounds = [*AGE_BANDS, None]
    for a_iso, b_iso in intervals:
        a, b = _dt(a_iso), _dt(b_iso)
        assert a is not None
        for band, field in enumerate(BACKLOG_FIELDS):
            lo, hi = bounds[band], bounds[band + 1]
            assert lo is not None
            start = max(a, created + lo)
            end = b if hi is None else (created + hi if b is None else min(b, created + hi))
            if end is not None and end <= start:
                continue
            d_in = backlog_day(start)
            d_out = backlog_day(end) if end is not None else None
            if d_out is not None and d_out <= d_in:
                continue
            c[d_in][field] += 1
            if d_out is not None:
                c[d_out][field] -= 1


def _cell(cells: Cells, day: date, metric: str, value: int, bucket: int | None = None) -> None:
    cell = cells[(day, metric, bucket_of(value) if bucket is None else bucket)]
    cell[0] += 1
    cell[1] += value


def _durations(f: Fact, c: DayCounters, cells: Cells) -> None:
    if f["first_response_at"] is not None:
        day = f["first_response_day"]
        c[day]["frt_n"] += 1
        c[day]["frt_sum"] += f["frt_seconds"]
        c[day]["frt_bsum"] += f["frt_business"]
        _cell(cells, day, "frt", f["frt_seconds"])
        _cell(cells, day, "frt_b", f["frt_business"])
    if f["resolved_at"] is not None:
        day = f["resolved_day"]
        row = c[day]
        row["resolved"] += 1
        row["res_n"] += 1
        row["res_sum"] += f["res_seconds"]
        row["res_bsum"] += f["res_business"]
        row["fcr_yes"] += bool(f["fcr"])
        row["reopened_resolved"] += f["reopen_count"] > 0
        row["reassign_sum"] += f["reassign_count"]
        if f["is_incident"]:
            row["inc_n"] += 1
            row["inc_sum"] += f["res_seconds"]
        _cell(cells, day, "res", f["res_seconds"])
        _cell(cells, day, "res_b", f["res_business"])


def contributions(f: Fact) -> tuple[DayCounters, Cells]:
    """What ``f`` adds to the rollups: counters per local day, histogram cells."""
    c: DayCounters = defaultdict(Counter)
    cells: Cells = defaultdict(lambda: [0, 0])
    history = f["history"]
    c[f["created_day"]]["created"] += 1
    cells[(f["created_day"], "arrival", f["created_how"])][0] += 1
    for moment in history.get("reopens", []):
        c[local_day(_dt(moment))]["reopened"] += 1  # type: ignore[arg-type]
    for _a, b in history.get("open", []):
        if b is not None:
            c[local_day(_dt(b))]["outflow"] += 1  # type: ignore[arg-type]
    _backlog(c, f["created_at"], history.get("open", []))
    _durations(f, c, cells)
    if f["closed_at"] is not None and not f["is_merged"]:
        field = "cancelled" if f["status"] == Status.CANCELLED else "closed"
        c[local_day(f["closed_at"])][field] += 1
    for target, (outcome, day) in history.get("sla", {}).items():
        if target in SLA_TARGETS and outcome in SLA_OUTCOMES:
            c[date.fromisoformat(day)][f"{SLA_TARGETS[target]}_{outcome}"] += 1
    for kind, stage, end, secs in history.get("stays", []):
        _cell(cells, local_day(_dt(end)), f"dwell.{kind}.{stage}", secs)  # type: ignore[arg-type]
    counters = {d: Counter({k: v for k, v in row.items() if v}) for d, row in c.items()}
    return {d: row for d, row in counters.items() if row}, dict(cells)


# --- timeseries metrics ----------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesMetric:
    """A metric over time: ``num``/``den`` are rollup counters summed per bucket (``den``
    empty: the sum itself). ``backlog`` metrics are levels at each bucket's end."""

    label: Promise
    unit: str
    num: tuple[str, ...]
    den: tuple[str, ...] = ()
    backlog: bool = False


SERIES_METRICS: dict[str, SeriesMetric] = {
    "created": SeriesMetric(pgettext_lazy("report figure", "Created"), "count", ("created",)),
    "resolved": SeriesMetric(_("Resolved"), "count", ("resolved",)),
    "closed": SeriesMetric(_("Closed"), "count", ("closed",)),
    "cancelled": SeriesMetric(_("Cancelled"), "count", ("cancelled",)),
    "reopened": SeriesMetric(_("Reopened"), "count", ("reopened",)),
    "outflow": SeriesMetric(_("Outflow"), "count", ("outflow",)),
    "backlog": SeriesMetric(_("Backlog"), "count", BACKLOG_FIELDS, backlog=True),
    "frt_mean": SeriesMetric(_("First response time (mean)"), "seconds", ("frt_sum",), ("frt_n",)),
    "frt_business_mean": SeriesMetric(
        _("First response time, business (mean)"), "seconds", ("frt_bsum",), ("frt_n",)
    ),
    "resolution_mean": SeriesMetric(
        _("Resolution time (mean)"), "seconds", ("res_sum",), ("res_n",)
    ),
    "resolution_business_mean": SeriesMetric(
        _("Resolution time, business (mean)"), "seconds", ("res_bsum",), ("res_n",)
    ),
    "mttr": SeriesMetric(_("MTTR (incidents)"), "seconds", ("inc_sum",), ("inc_n",)),
    "fcr_rate": SeriesMetric(
        _("First-contact resolution rate"), "ratio", ("fcr_yes",), ("resolved",)
    ),
    "reopen_rate": SeriesMetric(_("Reopen rate"), "ratio", ("reopened_resolved",), ("resolved",)),
    "reassignments": SeriesMetric(
        _("Reassignments per ticket"), "ratio", ("reassign_sum",), ("resolved",)
    ),
    "sla_first_response": SeriesMetric(
        _("SLA attainment: first response"), "ratio", ("fr_met",), ("fr_met", "fr_breached")
    ),
    "sla_next_response": SeriesMetric(
        _("SLA attainment: next response"), "ratio", ("nr_met",), ("nr_met", "nr_breached")
    ),
    "sla_resolution": SeriesMetric(
        _("SLA attainment: resolution"), "ratio", ("rs_met",), ("rs_met", "rs_breached")
    ),
}
