"""The live operations board (值班大屏): the desk as it is now, for a wall screen.

Reads the current open tickets only (``is_open`` and the SLA due/breached partial indexes),
aggregated in the database: a constant number of queries whatever the number of tickets.

- *open*: tickets whose status is open (``OPEN_STATUSES``), by status and by team;
- *at risk*: open, not yet breached, next SLA due time within :data:`AT_RISK_WINDOW`;
- *breached*: open and past an SLA target (``sla_breached_at`` set);
- *unassigned*: open with no assignee;
- *agents*: staff in scope who are online or away, or carry open tickets in scope, with that load.

Scoped by :func:`~gongdan.reports.scope.report_scope`: a supervisor sees their teams, an agent
their own tickets; customers and anyone without a scope get ``Forbidden``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import STAFF_ROLES, Availability
from gongdan.accounts.models import Membership, User
from gongdan.core.errors import Forbidden
from gongdan.reports.scope import Scope, report_scope
from gongdan.tickets.choices import OPEN_STATUSES, Status
from gongdan.tickets.models import Ticket

AT_RISK_WINDOW = timedelta(hours=1)
LIST_SIZE = 10  # tickets shown under "at risk" and "breached"
MAX_AGENTS = 60


@dataclass
class LiveRow:
    """One line of a breakdown; ``drill`` is the ticket-list query behind it."""

    key: str
    label: str
    open: int = 0
    unassigned: int = 0
    at_risk: int = 0
    breached: int = 0
    drill: dict[str, str] = field(default_factory=dict)


@dataclass
class LiveAgent:
    id: int
    name: str
    availability: str
    availability_label: str
    load: int
    drill: dict[str, str]


@dataclass
class LiveBoard:
    generated_at: datetime
    personal: bool
    totals: LiveRow
    by_status: list[LiveRow]
    by_team: list[LiveRow]
    agents: list[LiveAgent]
    at_risk_tickets: list[Ticket]
    breached_tickets: list[Ticket]
    unassigned_drill: dict[str, str] = field(default_factory=dict)
    at_risk_drill: dict[str, str] = field(default_factory=dict)
    breached_drill: dict[str, str] = field(default_factory=dict)

    @property
    def agents_online(self) -> int:
        return sum(1 for a in self.agents if a.availability == Availability.ONLINE)


def scope_q(scope: Scope) -> Q:
    """The tickets a scope covers (``Forbidden`` for no scope)."""
    if scope.nothing:
        raise Forbidden("permission.denied", _("You may not see these figures."))
    if scope.everything:
        return Q()
    if scope.agent is not None:
        return Q(assignee_id=scope.agent)
    if scope.organization is not None:
        return Q(organization_id=scope.organization)
    return Q(team_id__in=sorted(scope.teams))


def _counts(now: datetime) -> dict[str, Count]:
    return {
        "open": Count("pk"),
        "unassigned": Count("pk", filter=Q(assignee__isnull=True)),
        "at_risk": Count(
            "pk",
            filter=Q(sla_breached_at__isnull=True, sla_due_at__lt=now + AT_RISK_WINDOW),
        ),
        "breached": Count("pk", filter=Q(sla_breached_at__isnull=False)),
    }


def _base(scope: Scope, drill: dict[str, str]) -> dict[str, str]:
    """Drill queries stay in the reader's scope (the ticket list shows supervisors everything)."""
    out = {"view": "open", **drill}
    if scope.agent is not None:
        out.setdefault("assignee", str(scope.agent))
    elif len(scope.teams) == 1:
        out.setdefault("team", str(next(iter(scope.teams))))
    return out


def _agents(scope: Scope, open_qs: object) -> list[LiveAgent]:
    loads = dict(
        open_qs.filter(assignee__isnull=False)  # type: ignore[attr-defined]
        .values_list("assignee")
        .annotate(n=Count("pk"))
        .values_list("assignee", "n")
    )
    users = User.objects.filter(is_active=True, role__in=STAFF_ROLES)
    if scope.agent is not None:
        users = users.filter(pk=scope.agent)
    elif scope.teams:
        members = Membership.objects.filter(team_id__in=sorted(scope.teams)).values("user_id")
        users = users.filter(pk__in=members)
    present = [Availability.ONLINE, Availability.AWAY]
    users = users.filter(Q(agent_profile__availability__in=present) | Q(pk__in=list(loads)))
    rows = users.values_list("pk", "display_name", "username", "agent_profile__availability")
    agents = [
        LiveAgent(
            id=pk,
            name=display or username,
            availability=avail or Availability.OFFLINE,
            availability_label=str(Availability(avail or Availability.OFFLINE).label),
            load=loads.get(pk, 0),
            drill=_base(scope, {"assignee": str(pk)}),
        )
        for pk, display, username, avail in rows[:MAX_AGENTS]
    ]
    order = {Availability.ONLINE: 0, Availability.AWAY: 1, Availability.OFFLINE: 2}
    agents.sort(key=lambda a: (order.get(a.availability, 3), -a.load, a.name))  # type: ignore[call-overload]
    return agents


def _team_row(scope: Scope, row: dict[str, Any]) -> LiveRow:
    team = row.pop("team")
    label = row.pop("team__name") or str(_("No team"))
    drill = _base(scope, {"team": str(team)} if team else {})
    return LiveRow(key=str(team or ""), label=label, drill=drill, **row)


def live_board(*, user: object) -> LiveBoard:
    """The board for ``user`` (``Forbidden`` for customers and anyone without figures). Nine
    queries at most: scope (two, supervisors only), totals, by status, by team, agents (two),
    the two lists."""
    scope = report_scope(user)
    if scope.organization is not None:  # the board is the desk's; customers have the portal
        raise Forbidden("permission.staff_only", _("Only service staff may see the live board."))
    now = timezone.now()
    open_qs = Ticket.objects.filter(scope_q(scope), is_open=True)
    counts = _counts(now)
    totals = LiveRow(key="", label=str(_("All open")), **open_qs.aggregate(**counts))
    totals.drill = _base(scope, {})
    status_counts = dict(open_qs.values_list("status").annotate(n=Count("pk")))
    by_status = [
        LiveRow(
            key=s,
            label=str(Status(s).label),
            open=status_counts.get(s, 0),
            drill=_base(scope, {"view": "all", "status": s}),
        )
        for s in OPEN_STATUSES
    ]
    teams = open_qs.values("team", "team__name").annotate(**counts)
    by_team = sorted((_team_row(scope, dict(row)) for row in teams), key=lambda r: -r.open)
    listed = open_qs.select_related("team", "assignee")
    at_risk = listed.filter(sla_breached_at__isnull=True, sla_due_at__lt=now + AT_RISK_WINDOW)
    breached = listed.filter(sla_breached_at__isnull=False)
    return LiveBoard(
        generated_at=now,
        personal=scope.is_personal,
        totals=totals,
        by_status=by_status,
        by_team=by_team,
        agents=_agents(scope, open_qs),
        at_risk_tickets=list(at_risk.order_by("sla_due_at", "id")[:LIST_SIZE]),
        breached_tickets=list(breached.order_by("-sla_breached_at", "-id")[:LIST_SIZE]),
        unassigned_drill=_base(scope, {"assignee": "none"}),
        at_risk_drill=_base(scope, {"view": "due"}),
        breached_drill=_base(scope, {"view": "breached"}),
    )
