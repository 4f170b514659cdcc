"""Report selectors: every figure of every dashboard, API operation, export and scheduled report.

Each takes the reader first and narrows to :func:`gongdan.reports.scope.report_scope` before any
filter. Figures come from the kept facts and rollups (``reports.models``), never from a scan of
the ticket table; definitions are in ``gongdan.reports.metrics`` and docs/metrics.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongdan.accounts.choices import TeamKind
from gongdan.accounts.models import Team, User
from gongdan.customers.models import Organization
from gongdan.reports import costs
from gongdan.reports.filters import GROUPS, INTERVALS, ReportFilters, check_choice
from gongdan.reports.metrics import (
    AGE_LABELS,
    BACKLOG_FIELDS,
    SERIES_METRICS,
    SeriesMetric,
    mean,
    ratio,
)
from gongdan.reports.periods import Period
from gongdan.reports.reading import (
    AGENT_TABLES,
    Distribution,
    Slice,
    agent_slice,
    arrivals,
    backlog_levels,
    daily_sums,
    durations,
    dwell,
    grouped_sums,
    period_sums_by,
    slice_for,
    split_sums,
    sums_before,
)
from gongdan.reports.results import Column, Label, Line, Report, Series, Stat, Table
from gongdan.reports.scope import Scope, report_scope
from gongdan.tickets.choices import Channel, Priority, Status
from gongdan.tickets.models import Category, TicketType

#: The named reports (``report_build(name=...)``, ``reports_export``, schedules).
REPORTS = ("overview", "agents", "stage_dwell", "insight", "cost")
#: A timeseries draws at most this many lines (the largest groups).
MAX_LINES = 20
TOP = 10

_COUNTS = ("created", "resolved", "closed", "cancelled", "reopened", "outflow")
_SUMS = (
    *_COUNTS,
    "frt_n",
    "frt_sum",
    "frt_bsum",
    "res_n",
    "res_sum",
    "res_bsum",
    "inc_n",
    "inc_sum",
    "fcr_yes",
    "reopened_resolved",
    "reassign_sum",
    "fr_met",
    "fr_breached",
    "fr_paused",
    "nr_met",
    "nr_breached",
    "nr_paused",
    "rs_met",
    "rs_breached",
    "rs_paused",
)
_BREAKDOWN = (
    "created",
    "resolved",
    "frt_n",
    "frt_sum",
    "res_n",
    "res_sum",
    "rs_met",
    "rs_breached",
)
_SLA = (
    ("first_response", _("First response"), "fr"),
    ("next_response", _("Next response"), "nr"),
    ("resolution", _("Resolution"), "rs"),
)


# --- shared pieces ---------------------------------------------------------------------------


def _drill(scope: Scope, filters: ReportFilters, **extra: Any) -> dict[str, str]:
    """The ticket-list query behind a figure: the filters, the reader's own tickets for a
    personal report, and ``extra`` (dates as ISO days)."""
    query = filters.as_query()
    if scope.agent is not None:
        query["assignee"] = str(scope.agent)
    for key, value in extra.items():
        query[key] = value.isoformat() if isinstance(value, date) else str(value)
    return query


def _attainment(c: Counter[str], prefix: str) -> float | None:
    return ratio(c[f"{prefix}_met"], c[f"{prefix}_met"] + c[f"{prefix}_breached"])


def _time_logged(scope: Scope, period: Period, filters: ReportFilters) -> tuple[Any, Any]:
    """(seconds, cost) from the time tracking, or (None, None) until it exists."""
    if scope.nothing:
        return None, None
    try:
        return costs.cost_totals(scope=scope, period=period, filters=filters)
    except NotImplementedError:
        return None, None


def _labels(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    """Display names for the values of a dimension (0/"" is "none")."""
    keys = set(keys)
    ids = [k for k in keys if k]
    names: dict[Any, str] = {}
    if group == "team":
        names = dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif group == "assignee":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    elif group == "ticket_type":
        names = {t.pk: t.label for t in TicketType.objects.filter(pk__in=ids)}
    elif group == "category":
        names = {c.pk: c.label for c in Category.objects.filter(pk__in=ids)}
    elif group == "organization":
        names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif group == "channel":
        names = {k: str(Channel(k).label) for k in ids if k in Channel.values}
    elif group == "priority":
        names = {k: str(Priority(k).label) for k in ids if k in Priority.values}
    return {k: names.get(k, str(k)) if k else str(_("None")) for k in keys}


def _stat(
    key: str, label: Label, unit: str, value: Any, previous: Any, drill: dict[str, str] | None
) -> Stat:
    return Stat(key, label, unit, value, previous, drill or {})


# --- overview ----------------------------------------------------------------------------------


def report_overview(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Headline stats (each with the previous period): created, resolved, closed, cancelled,
    reopened, backlog, FRT and resolution time (mean/median/p90, calendar and business), FCR
    rate, reopen rate, reassignments per ticket, SLA attainment per target, MTTR, CSAT (None
    until feedback exists), time logged, cost. Tables: inflow vs outflow per day, backlog age,
    SLA per target (met/breached/paused), by team, by type, by channel, by priority."""
    scope = report_scope(user)
    s = slice_for(scope, filters)
    groups = ("team", "ticket_type", "channel", "priority")
    fields = tuple(dict.fromkeys((*_SUMS, *_BREAKDOWN)))
    cur, before, by = period_sums_by(s, period, fields, groups, _BREAKDOWN)
    prev = period.previous()
    levels = backlog_levels(s, [period.end, prev.end])
    dist, dist_before = durations(s, period)
    report = Report(
        name="overview",
        title=_("Overview"),
        period=period,
        filters=filters,
        generated_at=timezone.now(),
    )
    report.stats = _overview_stats(scope, filters, period, cur, before, levels, dist, dist_before)
    report.tables = [
        _flow_table(s, period),
        _age_table(levels[0], scope, filters),
        _sla_table(cur, scope, filters, period),
        *(_breakdown(s, period, scope, filters, g, by[g]) for g in groups),
    ]
    return report


def _overview_stats(
    scope: Scope,
    filters: ReportFilters,
    period: Period,
    cur: Counter[str],
    before: Counter[str],
    levels: list[list[int]],
    dist: dict[str, Distribution],
    dist_before: dict[str, Distribution],
) -> list[Stat]:
    start, end = period.start, period.end
    d = _drill
    stats = [
        _stat(
            "created",
            pgettext_lazy("report figure", "Created"),
            "count",
            cur["created"],
            before["created"],
            d(scope, filters, created_from=start, created_to=end),
        ),
        _stat(
            "resolved",
            _("Resolved"),
            "count",
            cur["resolved"],
            before["resolved"],
            d(scope, filters, resolved_from=start, resolved_to=end),
        ),
        _stat(
            "closed",
            _("Closed"),
            "count",
            cur["closed"],
            before["closed"],
            d(scope, filters, status=Status.CLOSED, closed_from=start, closed_to=end),
        ),
        _stat(
            "cancelled",
            _("Cancelled"),
            "count",
            cur["cancelled"],
            before["cancelled"],
            d(scope, filters, status=Status.CANCELLED, closed_from=start, closed_to=end),
        ),
        _stat(
            "reopened",
            _("Reopened"),
            "count",
            cur["reopened"],
            before["reopened"],
            d(scope, filters, reopened="1"),
        ),
        _stat(
            "backlog",
            _("Backlog (open at end)"),
            "count",
            sum(levels[0]),
            sum(levels[1]),
            d(scope, filters, view="open") if end >= timezone.localdate() else {},
        ),
    ]
    resolved = d(scope, filters, resolved_from=start, resolved_to=end)
    responded = d(scope, filters, created_to=end)
    for key, label, metric, drill in (
        ("frt", _("First response time"), "frt", responded),
        ("frt_business", _("First response time (business)"), "frt_b", responded),
        ("resolution", _("Resolution time"), "res", resolved),
        ("resolution_business", _("Resolution time (business)"), "res_b", resolved),
    ):
        now, then = dist[metric], dist_before[metric]
        stats += [
            _stat(
                f"{key}_mean",
                _("%(name)s: mean") % {"name": label},
                "seconds",
                now.mean,
                then.mean,
                drill,
            ),
            _stat(
                f"{key}_median",
                _("%(name)s: median") % {"name": label},
                "seconds",
                now.median,
                then.median,
                drill,
            ),
            _stat(
                f"{key}_p90",
                _("%(name)s: 90th percentile") % {"name": label},
                "seconds",
                now.p90,
                then.p90,
                drill,
            ),
        ]
    stats += [
        _stat(
            "fcr_rate",
            _("First-contact resolution rate"),
            "ratio",
            ratio(cur["fcr_yes"], cur["resolved"]),
            ratio(before["fcr_yes"], before["resolved"]),
            resolved,
        ),
        _stat(
            "reopen_rate",
            _("Reopen rate"),
            "ratio",
            ratio(cur["reopened_resolved"], cur["resolved"]),
            ratio(before["reopened_resolved"], before["resolved"]),
            d(scope, filters, resolved_from=start, resolved_to=end, reopened="1"),
        ),
        _stat(
            "reassignments",
            _("Reassignments per ticket"),
            "ratio",
            ratio(cur["reassign_sum"], cur["resolved"]),
            ratio(before["reassign_sum"], before["resolved"]),
            resolved,
        ),
    ]
    for target, label, prefix in _SLA:
        stats.append(
            _stat(
                f"sla_{target}",
                _("SLA attainment: %(target)s") % {"target": label},
                "ratio",
                _attainment(cur, prefix),
                _attainment(before, prefix),
                {},
            )
        )
    stats.append(
        _stat(
            "mttr",
            _("MTTR (incidents)"),
            "seconds",
            mean(cur["inc_sum"], cur["inc_n"]),
            mean(before["inc_sum"], before["inc_n"]),
            {},
        )
    )
    stats.append(_stat("csat", _("Customer satisfaction"), "ratio", None, None, {}))
    logged, cost = _time_logged(scope, period, filters)
    logged_before, cost_before = _time_logged(scope, period.previous(), filters)
    stats.append(_stat("time_logged", _("Time logged"), "seconds", logged, logged_before, {}))
    stats.append(_stat("cost", _("Cost"), "money", cost, cost_before, {}))
    return stats


def _flow_table(s: Slice, period: Period) -> Table:
    days = daily_sums(s, period, ("created", "outflow", "resolved"))
    rows = [
        {
            "day": day.isoformat(),
            "created": days.get(day, Counter())["created"],
            "outflow": days.get(day, Counter())["outflow"],
            "resolved": days.get(day, Counter())["resolved"],
        }
        for day in period.day_list()
    ]
    return Table(
        key="flow",
        title=_("Inflow and outflow per day"),
        columns=[
            Column("day", _("Day"), "text"),
            Column("created", pgettext_lazy("report figure", "Created")),
            Column("outflow", _("Left the open states")),
            Column("resolved", _("Resolved")),
        ],
        rows=rows,
        drills=[{} for _row in rows],
        chart="line",
    )


def _age_table(levels: list[int], scope: Scope, filters: ReportFilters) -> Table:
    rows = [
        {"band": str(label), "tickets": value}
        for label, value in zip(AGE_LABELS, levels, strict=True)
    ]
    return Table(
        key="backlog_age",
        title=_("Backlog by age at the end of the period"),
        columns=[Column("band", _("Age"), "text"), Column("tickets", _("Tickets"))],
        rows=rows,
        drills=[{} for _row in rows],
        chart="bar",
    )


def _sla_table(c: Counter[str], scope: Scope, filters: ReportFilters, period: Period) -> Table:
    rows = [
        {
            "target": str(label),
            "met": c[f"{prefix}_met"],
            "breached": c[f"{prefix}_breached"],
            "paused": c[f"{prefix}_paused"],
            "attainment": _attainment(c, prefix),
        }
        for _key, label, prefix in _SLA
    ]
    return Table(
        key="sla",
        title=_("SLA per target"),
        columns=[
            Column("target", _("Target"), "text"),
            Column("met", _("Met")),
            Column("breached", _("Breached")),
            Column("paused", _("Paused")),
            Column("attainment", _("Attainment"), "ratio"),
        ],
        rows=rows,
        drills=[{} for _row in rows],
        chart="stack",
    )


_GROUP_TITLES: dict[str, Label] = {
    "team": _("By team"),
    "assignee": _("By agent"),
    "ticket_type": _("By type"),
    "category": _("By category"),
    "channel": _("By channel"),
    "organization": _("By organization"),
    "priority": _("By priority"),
}


def _breakdown(
    s: Slice,
    period: Period,
    scope: Scope,
    filters: ReportFilters,
    group: str,
    sums: dict[Any, Counter[str]] | None = None,
) -> Table:
    if sums is None:
        sums = grouped_sums(s, period, group, _BREAKDOWN)
    labels = _labels(group, sums)
    keys = sorted(sums, key=lambda k: (-sums[k]["created"], labels[k]))
    rows = [
        {
            "key": k,
            "name": labels[k],
            "created": sums[k]["created"],
            "resolved": sums[k]["resolved"],
            "frt_mean": mean(sums[k]["frt_sum"], sums[k]["frt_n"]),
            "resolution_mean": mean(sums[k]["res_sum"], sums[k]["res_n"]),
            "sla_resolution": _attainment(sums[k], "rs"),
        }
        for k in keys
    ]
    drills = [
        _drill(scope, filters, created_from=period.start, created_to=period.end, **{group: k})
        if k
        else {}
        for k in keys
    ]
    return Table(
        key=f"by_{group}",
        title=_GROUP_TITLES[group],
        columns=[
            Column("name", _("Name"), "text"),
            Column("created", pgettext_lazy("report figure", "Created")),
            Column("resolved", _("Resolved")),
            Column("frt_mean", _("First response time (mean)"), "seconds"),
            Column("resolution_mean", _("Resolution time (mean)"), "seconds"),
            Column("sla_resolution", _("SLA attainment: resolution"), "ratio"),
        ],
        rows=rows,
        drills=drills,
        chart="pie" if group in ("channel", "priority") else "bar",
    )


# --- timeseries --------------------------------------------------------------------------------


def _bucket_starts(period: Period, interval: str) -> list[date]:
    if interval == "day":
        return period.day_list()
    starts, day = [period.start], period.start
    while True:
        if interval == "week":
            day = day - timedelta(days=day.weekday()) + timedelta(days=7)
        else:
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        if day > period.end:
            return starts
        starts.append(day)


def _bucket_of(day: date, starts: list[date]) -> int:
    index = 0
    for i, start in enumerate(starts):
        if start <= day:
            index = i
    return index


def report_timeseries(
    *,
    user: object,
    metric: str,
    interval: str,
    group_by: str,
    period: Period,
    filters: ReportFilters,
) -> Series:
    """``metric`` (a key of ``metrics.SERIES_METRICS``) per ``interval`` (day/week/month),
    one line per ``group_by`` value ("" for one total line). Unknown names: 422."""
    check_choice(metric, tuple(SERIES_METRICS), code="report.unknown_metric", field="metric")
    check_choice(interval, INTERVALS, code="report.unknown_interval", field="interval")
    check_choice(group_by, ("", *GROUPS), code="report.unknown_group", field="group_by")
    scope = report_scope(user)
    s = slice_for(
        scope,
        filters,
        fine=group_by in ("assignee", "category", "organization"),
        wide=group_by in ("channel", "priority"),
    )
    return _series(s, SERIES_METRICS[metric], metric, interval, group_by, period)


def _series(
    s: Slice, m: SeriesMetric, metric: str, interval: str, group_by: str, period: Period
) -> Series:
    starts = _bucket_starts(period, interval)
    fields = tuple(dict.fromkeys((*m.num, *m.den)))
    per_bucket = _bucket_sums(s, period, interval, group_by, fields, starts)
    base: dict[Any, Counter[str]] = {}
    if m.backlog:
        base = sums_before(s, period.start, group_by, fields)
    groups = set(per_bucket) | set(base)
    lines = []
    for g in groups:
        values: list[Any] = []
        level = sum(base.get(g, Counter())[f] for f in m.num)
        for i in range(len(starts)):
            c = per_bucket.get(g, {}).get(i, Counter())
            if m.backlog:
                level += sum(c[f] for f in m.num)
                values.append(level)
            elif m.den:
                values.append(ratio(sum(c[f] for f in m.num), sum(c[f] for f in m.den)))
            else:
                values.append(sum(c[f] for f in m.num))
        weight = sum(sum(c[f] for f in (*m.num, *m.den)) for c in per_bucket.get(g, {}).values())
        lines.append((abs(weight) + abs(level), g, values))
    lines.sort(key=lambda x: (-x[0], str(x[1])))
    lines = lines[:MAX_LINES]
    labels = _labels(group_by, [g for _w, g, _v in lines]) if group_by else {"": str(_("All"))}
    return Series(
        metric=metric,
        label=m.label,
        unit=m.unit,
        interval=interval,
        group_by=group_by,
        buckets=starts,
        lines=[Line(key=str(g), label=labels.get(g, str(g)), values=v) for _w, g, v in lines],
    )


def _bucket_sums(
    s: Slice,
    period: Period,
    interval: str,
    group_by: str,
    fields: tuple[str, ...],
    starts: list[date],
) -> dict[Any, dict[int, Counter[str]]]:
    if interval == "month" and not s.fine:
        return _month_sums(s, period, group_by, fields, starts)
    trunc = {"day": F("day"), "week": TruncWeek("day"), "month": TruncMonth("day")}[interval]
    qs = s.rows(day__gte=period.start, day__lte=period.end).annotate(b=trunc)
    values = ("b", group_by) if group_by else ("b",)
    rows = qs.values(*values).annotate(**{f: Sum(f) for f in fields}).order_by()
    out: dict[Any, dict[int, Counter[str]]] = {}
    for r in rows:
        day = r["b"].date() if hasattr(r["b"], "date") and callable(r["b"].date) else r["b"]
        index = _bucket_of(max(day, period.start), starts)
        g = r[group_by] if group_by else ""
        counter = out.setdefault(g, {}).setdefault(index, Counter())
        for f in fields:
            counter[f] += r[f] or 0
    return out


def _month_sums(
    s: Slice, period: Period, group_by: str, fields: tuple[str, ...], starts: list[date]
) -> dict[Any, dict[int, Counter[str]]]:
    """Monthly buckets of a coarse slice: whole months from the monthly table (two queries)."""
    ends = [start - timedelta(days=1) for start in starts[1:]] + [period.end]
    ranges = {str(i): (a, b) for i, (a, b) in enumerate(zip(starts, ends, strict=True))}
    group = (group_by,) if group_by else ()
    sums = split_sums(s, ranges, group, fields)
    out: dict[Any, dict[int, Counter[str]]] = {}
    for label, rows in sums.items():
        for key, counter in rows.items():
            if any(counter.values()):
                out.setdefault(key[0] if group else "", {})[int(label)] = counter
    return out


# --- agents ------------------------------------------------------------------------------------


def report_agents(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """One row per agent in scope: handled, resolved, FRT, resolution time, SLA attainment,
    reopen rate, CSAT (None), time logged."""
    scope = report_scope(user)
    s = slice_for(scope, filters, fine=True)
    fields = (
        "created",
        "resolved",
        "frt_n",
        "frt_sum",
        "res_n",
        "res_sum",
        "fr_met",
        "fr_breached",
        "rs_met",
        "rs_breached",
        "reopened_resolved",
    )
    by_agent = agent_slice(scope, filters)
    if by_agent is not None:  # the agent rollups: rows bounded by days × agents × teams × types
        sums = grouped_sums(
            by_agent, period, "assignee", fields, exclude_none=True, tables=AGENT_TABLES
        )
    else:
        sums = grouped_sums(s, period, "assignee", fields, exclude_none=True)
    logged: dict[int, int] = {}
    if not scope.nothing:
        try:
            logged = costs.time_logged_by_agent(scope=scope, period=period, filters=filters)
        except NotImplementedError:
            logged = {}
    if scope.agent is not None:
        logged = {k: v for k, v in logged.items() if k == scope.agent}
    agents = set(sums) | set(logged)
    labels = _labels("assignee", agents)
    keys = sorted(agents, key=lambda k: (-sums.get(k, Counter())["resolved"], labels[k]))
    rows = []
    for k in keys:
        c = sums.get(k, Counter())
        met = c["fr_met"] + c["rs_met"]
        rows.append(
            {
                "key": k,
                "name": labels[k],
                "handled": c["created"],
                "resolved": c["resolved"],
                "frt_mean": mean(c["frt_sum"], c["frt_n"]),
                "resolution_mean": mean(c["res_sum"], c["res_n"]),
                "sla_attainment": ratio(met, met + c["fr_breached"] + c["rs_breached"]),
                "reopen_rate": ratio(c["reopened_resolved"], c["resolved"]),
                "csat": None,
                "time_logged": logged.get(k) if logged else None,
            }
        )
    table = Table(
        key="agents",
        title=_("Agent performance"),
        columns=[
            Column("name", _("Agent"), "text"),
            Column("handled", _("Handled")),
            Column("resolved", _("Resolved")),
            Column("frt_mean", _("First response time (mean)"), "seconds"),
            Column("resolution_mean", _("Resolution time (mean)"), "seconds"),
            Column("sla_attainment", _("SLA attainment"), "ratio"),
            Column("reopen_rate", _("Reopen rate"), "ratio"),
            Column("csat", _("Customer satisfaction"), "ratio"),
            Column("time_logged", _("Time logged"), "seconds"),
        ],
        rows=rows,
        drills=[
            _drill(scope, filters, assignee=k, resolved_from=period.start, resolved_to=period.end)
            for k in keys
        ],
        chart="bar",
    )
    return Report(
        name="agents",
        title=_("Agents"),
        period=period,
        filters=filters,
        tables=[table],
        generated_at=timezone.now(),
    )


# --- stage dwell -------------------------------------------------------------------------------


def _stage_label(stage: str, teams: dict[Any, str]) -> str:
    kind, _sep, value = stage.partition(".")
    if kind == "status":
        return str(Status(value).label) if value in Status.values else value
    return teams.get(int(value), value) if value.isdigit() else value


def report_stage_dwell(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Time in each status and in each team (mean/median/p90 seconds, tickets), and per ticket
    type the stage where tickets wait longest (the bottleneck)."""
    scope = report_scope(user)
    s = slice_for(scope, filters)
    dists = dwell(s, period)
    team_ids = [int(st.split(".", 1)[1]) for _t, st in dists if st.startswith("team.")]
    teams = _labels("team", team_ids)
    tables = []
    for kind, title in (("status", _("Time in each status")), ("team", _("Time in each team"))):
        stages = sorted(st for t, st in dists if t == 0 and st.startswith(kind + "."))
        rows = [
            {
                "stage": st,
                "name": _stage_label(st, teams),
                "tickets": dists[(0, st)].count,
                "mean": dists[(0, st)].mean,
                "median": dists[(0, st)].median,
                "p90": dists[(0, st)].p90,
            }
            for st in stages
        ]
        tables.append(
            Table(
                key=f"dwell_{kind}",
                title=title,
                columns=[
                    Column("name", _("Stage"), "text"),
                    Column("tickets", _("Stays")),
                    Column("mean", _("Mean"), "seconds"),
                    Column("median", _("Median"), "seconds"),
                    Column("p90", _("90th percentile"), "seconds"),
                ],
                rows=rows,
                drills=[{} for _r in rows],
                chart="bar",
            )
        )
    tables.append(_bottlenecks(dists, teams, scope, filters))
    return Report(
        name="stage_dwell",
        title=_("Stage dwell time"),
        period=period,
        filters=filters,
        tables=tables,
        generated_at=timezone.now(),
    )


def _bottlenecks(
    dists: dict[tuple[int, str], Distribution],
    teams: dict[Any, str],
    scope: Scope,
    filters: ReportFilters,
) -> Table:
    """Per ticket type, the status with the longest mean stay (final statuses have none)."""
    best: dict[int, tuple[float, str, Distribution]] = {}
    for (type_id, stage), dist in dists.items():
        if type_id == 0 or not stage.startswith("status.") or dist.mean is None:
            continue
        if type_id not in best or dist.mean > best[type_id][0]:
            best[type_id] = (dist.mean, stage, dist)
    labels = _labels("ticket_type", best)
    keys = sorted(best, key=lambda k: labels[k])
    rows = [
        {
            "ticket_type": labels[k],
            "stage": _stage_label(best[k][1], teams),
            "mean": best[k][2].mean,
            "median": best[k][2].median,
            "tickets": best[k][2].count,
        }
        for k in keys
    ]
    return Table(
        key="bottlenecks",
        title=_("Bottleneck per ticket type"),
        columns=[
            Column("ticket_type", _("Type"), "text"),
            Column("stage", _("Longest stage"), "text"),
            Column("mean", _("Mean"), "seconds"),
            Column("median", _("Median"), "seconds"),
            Column("tickets", _("Stays")),
        ],
        rows=rows,
        drills=[
            _drill(scope, filters, ticket_type=k, status=best[k][1].split(".", 1)[1]) for k in keys
        ],
        chart="",
    )


# --- customer insight --------------------------------------------------------------------------


def report_insight(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Top organizations, top categories and repeated problems per organization, trend per
    category and per region (team kind region), channel mix, hour-of-week arrival heat map."""
    scope = report_scope(user)
    fine = slice_for(scope, filters, fine=True)
    coarse = slice_for(scope, filters)
    interval = "day" if period.days <= 31 else "week" if period.days <= 200 else "month"
    regions = list(Team.objects.filter(kind=TeamKind.REGION).values_list("pk", flat=True))
    region_slice = Slice(q=coarse.q & Q(team__in=regions), fine=coarse.fine, empty=coarse.empty)
    created = SERIES_METRICS["created"]
    return Report(
        name="insight",
        title=_("Customer insight"),
        period=period,
        filters=filters,
        tables=[
            _top(fine, period, scope, filters, "organization"),
            _top(fine, period, scope, filters, "category"),
            _repeated(fine, period, scope, filters),
            _breakdown(coarse, period, scope, filters, "channel"),
            _heatmap(coarse, period),
        ],
        series=[
            _series(fine, created, "created", interval, "category", period),
            _series(region_slice, created, "created", interval, "team", period),
        ],
        generated_at=timezone.now(),
    )


def _top(s: Slice, period: Period, scope: Scope, filters: ReportFilters, group: str) -> Table:
    sums = grouped_sums(s, period, group, ("created", "resolved"), exclude_none=True)
    labels = _labels(group, sums)
    keys = sorted(sums, key=lambda k: (-sums[k]["created"], labels[k]))[:TOP]
    rows = [
        {
            "key": k,
            "name": labels[k],
            "created": sums[k]["created"],
            "resolved": sums[k]["resolved"],
        }
        for k in keys
    ]
    return Table(
        key=f"top_{group}",
        title=_("Top organizations") if group == "organization" else _("Top categories"),
        columns=[
            Column("name", _("Name"), "text"),
            Column("created", pgettext_lazy("report figure", "Created")),
            Column("resolved", _("Resolved")),
        ],
        rows=rows,
        drills=[
            _drill(scope, filters, created_from=period.start, created_to=period.end, **{group: k})
            for k in keys
        ],
        chart="bar",
    )


def _repeated(s: Slice, period: Period, scope: Scope, filters: ReportFilters) -> Table:
    """Organization × category pairs with two or more tickets created in the period."""
    rows_qs = (
        s.rows(day__gte=period.start, day__lte=period.end)
        .exclude(organization=0)
        .exclude(category=0)
        .values("organization", "category")
        .annotate(n=Sum("created"))
        .filter(n__gte=2)
        .order_by("-n", "organization", "category")[: TOP * 2]
    )
    pairs = list(rows_qs)
    orgs = _labels("organization", [p["organization"] for p in pairs])
    cats = _labels("category", [p["category"] for p in pairs])
    rows = [
        {
            "organization": orgs[p["organization"]],
            "category": cats[p["category"]],
            "created": p["n"],
        }
        for p in pairs
    ]
    return Table(
        key="repeated",
        title=_("Repeated problems per organization"),
        columns=[
            Column("organization", _("Organization"), "text"),
            Column("category", _("Category"), "text"),
            Column("created", _("Tickets")),
        ],
        rows=rows,
        drills=[
            _drill(
                scope,
                filters,
                organization=p["organization"],
                category=p["category"],
                created_from=period.start,
                created_to=period.end,
            )
            for p in pairs
        ],
        chart="",
    )


_WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def _heatmap(s: Slice, period: Period) -> Table:
    cells = arrivals(s, period)
    rows = []
    for weekday, label in enumerate(_WEEKDAYS):
        row: dict[str, Any] = {"weekday": str(label)}
        for hour in range(24):
            row[f"h{hour:02d}"] = cells.get(weekday * 24 + hour, 0)
        rows.append(row)
    return Table(
        key="arrivals",
        title=_("Arrivals by hour of the week"),
        columns=[
            Column("weekday", _("Day"), "text"),
            *(Column(f"h{h:02d}", f"{h:02d}") for h in range(24)),
        ],
        rows=rows,
        drills=[{} for _r in rows],
        chart="heatmap",
    )


# --- by name -----------------------------------------------------------------------------------


def report_build(*, user: object, name: str, period: Period, filters: ReportFilters) -> Report:
    """The report called ``name`` (one of :data:`REPORTS`; else 422 ``report.unknown_report``)."""
    check_choice(name, REPORTS, code="report.unknown_report", field="name")
    if name == "overview":
        return report_overview(user=user, period=period, filters=filters)
    if name == "agents":
        return report_agents(user=user, period=period, filters=filters)
    if name == "stage_dwell":
        return report_stage_dwell(user=user, period=period, filters=filters)
    if name == "insight":
        return report_insight(user=user, period=period, filters=filters)
    return costs.report_cost(user=user, period=period, filters=filters)


__all__ = [
    "BACKLOG_FIELDS",
    "REPORTS",
    "report_agents",
    "report_build",
    "report_insight",
    "report_overview",
    "report_stage_dwell",
    "report_timeseries",
]
