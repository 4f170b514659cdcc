"""Time logged and cost, for the reports (the entries live in ``tickets``: TimeEntry/CostEntry).

Definitions (docs/architecture.md, "Time and cost"):

- **time logged**: the sum of ``TimeEntry.minutes`` × 60 (seconds) of entries whose ``work_date``
  falls in the period (local days, inclusive);
- **cost**: the sum of ``CostEntry.amount`` (yuan) of entries whose ``occurred_at`` falls in the
  period; a labour cost occurs on its time entry's work date, at the hourly rate in force then
  (the agent's own, else their team's; kept as written);
- **billable cost**: the same over billable entries; **labour / parts / other** by ``kind``.

Scope: an administrator (or a supervisor without teams) sees the whole desk; a supervisor the
entries on tickets of their teams; an agent their own entries only; a customer nothing (customers
never see time or cost). Filters narrow by the ticket's fields, with ``tickets_list``'s meaning.
Every query starts from the entries' date index (``time_entry_date_idx``/``time_entry_user_idx``,
``cost_entry_date_idx``/``cost_entry_user_idx``) and reaches tickets by primary key: no scan of
the ticket table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import User
from gongdan.customers.models import Organization
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.results import Column, Report, Stat, Table
from gongdan.reports.scope import Scope, report_scope
from gongdan.tickets.choices import CostKind
from gongdan.tickets.models import CostEntry, Ticket, TicketType, TimeEntry

#: Rows of the "cost per ticket" table.
TOP_TICKETS = 20
_FILTER_FIELDS = {
    "team": "ticket__team_id",
    "assignee": "ticket__assignee_id",
    "ticket_type": "ticket__ticket_type_id",
    "category": "ticket__category_id",
    "channel": "ticket__channel",
    "organization": "ticket__organization_id",
    "priority": "ticket__priority",
}


def _narrow[M: (TimeEntry, CostEntry)](
    rows: QuerySet[M], scope: Scope, filters: ReportFilters
) -> QuerySet[M]:
    """``rows`` within ``scope`` (see the module docstring) and ``filters``."""
    if scope.nothing or scope.organization is not None:
        return rows.none()
    if scope.agent is not None:
        rows = rows.filter(user_id=scope.agent)
    elif not scope.everything:
        rows = rows.filter(ticket__team_id__in=sorted(scope.teams))
    wanted = {
        path: getattr(filters, name)
        for name, path in _FILTER_FIELDS.items()
        if getattr(filters, name) not in (None, "")
    }
    return rows.filter(**wanted)


def _time(scope: Scope, period: Period, filters: ReportFilters) -> QuerySet[TimeEntry]:
    rows = TimeEntry.objects.filter(work_date__gte=period.start, work_date__lte=period.end)
    return _narrow(rows, scope, filters)


def _costs(scope: Scope, period: Period, filters: ReportFilters) -> QuerySet[CostEntry]:
    rows = CostEntry.objects.filter(occurred_at__gte=period.start_at, occurred_at__lt=period.end_at)
    return _narrow(rows, scope, filters)


def _money(value: Any) -> float:
    return float(Decimal(value or 0).quantize(Decimal("0.01")))


def time_logged_by_agent(*, scope: Scope, period: Period, filters: ReportFilters) -> dict[int, int]:
    """Seconds logged per agent (user id) on entries dated in ``period``, within ``scope``."""
    rows = _time(scope, period, filters).values("user_id").annotate(logged=Sum("minutes"))
    return {row["user_id"]: int(row["logged"]) * 60 for row in rows.order_by()}


def cost_totals(*, scope: Scope, period: Period, filters: ReportFilters) -> tuple[int, float]:
    """(seconds logged, total cost in yuan) for the period, within ``scope``."""
    minutes = _time(scope, period, filters).aggregate(m=Sum("minutes"))["m"] or 0
    amount = _costs(scope, period, filters).aggregate(a=Sum("amount"))["a"]
    return int(minutes) * 60, _money(amount)


def _stats(scope: Scope, period: Period, filters: ReportFilters) -> list[Stat]:
    drill = filters.as_query()
    seconds, cost = cost_totals(scope=scope, period=period, filters=filters)
    prev_seconds, prev_cost = cost_totals(scope=scope, period=period.previous(), filters=filters)
    split = _costs(scope, period, filters).aggregate(
        billable=Sum("amount", filter=Q(billable=True)),
        labour=Sum("amount", filter=Q(kind=CostKind.LABOUR)),
        part=Sum("amount", filter=Q(kind=CostKind.PART)),
        other=Sum("amount", filter=Q(kind=CostKind.OTHER)),
    )
    return [
        Stat("time_logged", _("Time logged"), "seconds", seconds, prev_seconds),
        Stat("cost_total", _("Cost"), "money", cost, prev_cost, drill=drill),
        Stat("cost_billable", _("Billable cost"), "money", _money(split["billable"])),
        Stat("cost_not_billable", _("Non-billable cost"), "money",
             _money(cost - _money(split["billable"]))),
        Stat("cost_labour", _("Labour"), "money", _money(split["labour"])),
        Stat("cost_parts", _("Parts"), "money", _money(split["part"])),
        Stat("cost_other", _("Other"), "money", _money(split["other"])),
    ]  # fmt: skip


def _by_ticket(rows: QuerySet[CostEntry]) -> Table:
    top = list(
        rows.values("ticket_id")
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "ticket_id")[:TOP_TICKETS]
    )
    tickets = Ticket.objects.in_bulk([r["ticket_id"] for r in top])
    return Table(
        "cost_by_ticket",
        _("Cost per ticket (top %(n)d)") % {"n": TOP_TICKETS},
        [
            Column("number", _("Ticket"), "text"),
            Column("title", _("Title"), "text"),
            Column("amount", _("Cost"), "money"),
        ],
        [
            {
                "number": tickets[r["ticket_id"]].number,
                "title": tickets[r["ticket_id"]].title,
                "amount": _money(r["amount"]),
            }
            for r in top
        ],
        [{} for _row in top],
        chart="",
    )


def _grouped(
    rows: QuerySet[CostEntry],
    *,
    key: str,
    title: Any,
    label: Any,
    field: str,
    names: dict[Any, str],
    filters: ReportFilters,
    drill_param: str = "",
    chart: str = "bar",
) -> Table:
    grouped = list(
        rows.values(field)
        .annotate(amount=Sum("amount"), tickets=Count("ticket_id", distinct=True))
        .order_by("-amount", field)
    )
    drills = [
        {**filters.as_query(), drill_param: str(g[field])}
        if drill_param and g[field] is not None
        else {}
        for g in grouped
    ]
    return Table(
        key,
        title,
        [
            Column("label", label, "text"),
            Column("amount", _("Cost"), "money"),
            Column("tickets", _("Tickets"), "count"),
        ],
        [
            {
                "label": names.get(g[field], "—"),
                "amount": _money(g["amount"]),
                "tickets": g["tickets"],
            }
            for g in grouped
        ],
        drills,
        chart=chart,
    )


def _by_agent(scope: Scope, period: Period, filters: ReportFilters) -> Table:
    time_rows = list(
        _time(scope, period, filters)
        .values("user_id")
        .annotate(
            logged=Sum("minutes"),
            logged_billable=Sum("minutes", filter=Q(billable=True)),
            amount=Sum("cost_entry__amount"),
        )
        .order_by("-logged", "user_id")
    )
    users = User.objects.in_bulk([r["user_id"] for r in time_rows])
    return Table(
        "time_by_agent",
        _("Time logged per agent"),
        [
            Column("label", _("Agent"), "text"),
            Column("seconds", _("Time logged"), "seconds"),
            Column("billable_seconds", _("Billable time"), "seconds"),
            Column("amount", _("Labour cost"), "money"),
        ],
        [
            {
                "label": str(users[r["user_id"]]),
                "seconds": int(r["logged"]) * 60,
                "billable_seconds": int(r["logged_billable"] or 0) * 60,
                "amount": _money(r["amount"]),
            }
            for r in time_rows
        ],
        [{} for _row in time_rows],
    )


def report_cost(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Cost per ticket (top), per type and per organization; labour vs parts vs other;
    billable vs not; time logged per agent."""
    scope = report_scope(user)
    rows = _costs(scope, period, filters)
    type_ids = rows.values("ticket__ticket_type_id")
    org_ids = rows.values("ticket__organization_id")
    types = {t.pk: str(t) for t in TicketType.objects.filter(pk__in=type_ids)}
    orgs = {o.pk: o.name for o in Organization.objects.filter(pk__in=org_ids)}
    kinds = {k.value: str(k.label) for k in CostKind}
    billable = {True: str(_("Billable")), False: str(_("Not billable"))}
    return Report(
        name="cost",
        title=_("Cost of service"),
        period=period,
        filters=filters,
        stats=_stats(scope, period, filters),
        tables=[
            _by_ticket(rows),
            _grouped(
                rows,
                key="cost_by_type",
                title=_("Cost per ticket type"),
                label=_("Type"),
                field="ticket__ticket_type_id",
                names=types,
                filters=filters,
                drill_param="ticket_type",
            ),
            _grouped(
                rows,
                key="cost_by_organization",
                title=_("Cost per organization"),
                label=_("Organization"),
                field="ticket__organization_id",
                names=orgs,
                filters=filters,
                drill_param="organization",
            ),
            _grouped(
                rows,
                key="cost_by_kind",
                title=_("Labour, parts and other"),
                label=_("Kind"),
                field="kind",
                names=kinds,
                filters=filters,
                chart="pie",
            ),
            _grouped(
                rows,
                key="cost_by_billable",
                title=_("Billable and not billable"),
                label=_("Billable"),
                field="billable",
                names=billable,
                filters=filters,
                chart="pie",
            ),
            _by_agent(scope, period, filters),
        ],
        generated_at=timezone.now(),
    )
