"""Workspace pages of smart assignment: the availability switch, take next, the team's load,
the assignment preview of a ticket."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.choices import Availability
from gongdan.accounts.models import Team
from gongdan.assignment import policies, selectors, services
from gongdan.assignment.models import TeamAssignment
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
            return redirect(request.headers.get("referer") or "tickets:list")
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
    agents = [
        {"p": p, "percent": round(100 * p.load / p.capacity) if p.capacity else 100}  # type: ignore[attr-defined]
        for p in selectors.agent_list(user=user)
    ]
    settings = []
    if policies.is_manager(user):
        settings = list(TeamAssignment.objects.select_related("team").order_by("team__name"))
    context = {"agents": agents, "team_settings": settings, "is_manager": policies.is_manager(user)}
    return render(request, "assignment/agents.html", context)


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
