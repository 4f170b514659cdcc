"""Workspace pages of smart assignment: the availability switch, take next, the team's load,
the assignment preview of a ticket."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.choices import Availability
from gongdan.accounts.models import Membership, Team, User
from gongdan.assignment import policies, selectors, services
from gongdan.assignment.choices import OnUnavailable
from gongdan.assignment.presenters import reason_label, strategy_label
from gongdan.core.errors import DomainError
from gongdan.tickets.views._common import actor, is_htmx, staff_required, visible_ticket


@require_http_methods(["GET", "POST"])
@staff_required
def availability(request: HttpRequest) -> HttpResponse:
    """The nav's switch (htmx fragment): GET shows it, POST switches and shows it again."""
    user = actor(request)
    status = 200
    if request.method == "POST":
        try:
            services.availability_set(
                actor=user, user=user, availability=request.POST.get("availability", "")
            )
        except DomainError:
            status = 422
        if not is_htmx(request):
            back = request.headers.get("referer", "")
            safe = url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(back if safe else "tickets:list")
    context = {"profile": selectors.my_profile(user), "choices": Availability.choices}
    return render(request, "assignment/_availability.html", context, status=status)


@require_POST
@staff_required
def take_next_view(request: HttpRequest) -> HttpResponse:
    """Claim the next ticket of my teams and open it; an empty queue says so."""
    user = actor(request)
    team = None
    if request.POST.get("team"):
        team = Team.objects.filter(pk=request.POST["team"]).first()
    try:
        ticket = services.take_next(actor=user, team=team)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("tickets:list")
    if ticket is None:
        messages.info(request, _("No unassigned ticket in your teams is waiting for you."))
        return redirect("tickets:list")
    messages.success(request, _("You took %(number)s.") % {"number": ticket.number})
    return redirect("tickets:detail", number=ticket.number)


@require_GET
@staff_required
def agents_view(request: HttpRequest) -> HttpResponse:
    """Load and capacity: mine; a lead's teams; managers everyone (with the teams' settings)."""
    user = actor(request)
    manager = policies.is_manager(user)
    led = set(Membership.objects.filter(team__lead=user).values_list("user_id", flat=True))
    agents = [
        {
            "p": p,
            "percent": round(100 * p.load / p.capacity) if p.capacity else 100,  # type: ignore[attr-defined]
            "editable": manager or p.user_id in led,
        }
        for p in selectors.agent_list(user=user)
    ]
    context = {
        "agents": agents,
        "teams": _teams_with_settings(user),
        "choices": OnUnavailable.choices,
        "is_manager": policies.is_manager(user),
    }
    return render(request, "assignment/agents.html", context)


def _teams_with_settings(user: User) -> list[dict[str, Any]]:
    """The teams whose settings ``user`` may change (managers: all; leads: theirs), one query."""
    teams = Team.objects.filter(is_active=True).select_related("assignment").order_by("name")
    if not policies.is_manager(user):
        teams = teams.filter(lead=user)
    rows = []
    for team in teams:
        row = getattr(team, "assignment", None)
        rows.append(
            {
                "team": team,
                "auto_assign": bool(row and row.auto_assign),
                "on_unavailable": row.on_unavailable if row else OnUnavailable.KEEP,
            }
        )
    return rows


@require_POST
@staff_required
def team_settings_view(request: HttpRequest, team_id: int) -> HttpResponse:
    """A lead or a manager switches automatic assignment and the on-unavailable policy."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404
    try:
        services.team_settings_set(
            actor=actor(request),
            team=team,
            auto_assign=request.POST.get("auto_assign") == "on",
            on_unavailable=request.POST.get("on_unavailable", ""),
        )
    except DomainError as exc:
        if exc.status == 403:
            raise Http404 from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved the settings of %(team)s.") % {"team": team})
    return redirect("assignment:agents")


@require_GET
@staff_required
def preview_view(request: HttpRequest, number: str) -> HttpResponse:
    """Who would get this ticket now, and why (a dry run)."""
    ticket = visible_ticket(request, number)
    try:
        decision = services.assignment_preview(actor=actor(request), ticket=ticket)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    scored = [
        {
            "name": s.name,
            "total": s.total,
            "parts": [(strategy_label(k), v) for k, v in s.parts.items()],
            "load": s.load,
            "capacity": s.capacity,
        }
        for s in decision.scored
    ]
    passed = [
        {"name": p.name, "label": reason_label(p.reason), "detail": p.detail}
        for p in decision.passed
    ]
    context = {"ticket": ticket, "decision": decision, "scored": scored, "passed": passed}
    return render(request, "assignment/preview.html", context)
