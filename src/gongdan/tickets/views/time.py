"""The ticket page's time panel (htmx: entries, totals, cost, the timer, a log form) and
Settings → Hourly cost (/desk/settings/cost-rates/, supervisors and admins).

Each view parses one form, calls one service and renders; a ``DomainError`` becomes a form
error (422) and changes nothing. Customers get 403, tickets the reader cannot see 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.policies import is_manager
from gongdan.core.errors import DomainError, NotFound
from gongdan.tickets import services
from gongdan.tickets import time_selectors as ts
from gongdan.tickets.forms import CostRateForm, TimeEntryForm, add_domain_error
from gongdan.tickets.models import Ticket
from gongdan.tickets.views._common import actor, staff_required, visible_ticket

PANEL = "tickets/_time_panel.html"


def _panel(
    request: HttpRequest,
    ticket: Ticket,
    *,
    form: TimeEntryForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = actor(request)
    context: dict[str, Any] = {
        "ticket": ticket,
        "time": ts.ticket_time_summary(user=user, ticket=ticket),
        "time_form": form or TimeEntryForm(),
        "time_error": error,
        "is_manager": is_manager(user),
    }
    return render(request, PANEL, context, status=status)


@require_GET
@staff_required
def time_panel(request: HttpRequest, number: str) -> HttpResponse:
    return _panel(request, visible_ticket(request, number))


@require_POST
@staff_required
def time_log(request: HttpRequest, number: str) -> HttpResponse:
    ticket = visible_ticket(request, number)
    form = TimeEntryForm(request.POST)
    if form.is_valid():
        try:
            services.time_entry_create(actor=actor(request), ticket=ticket, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _panel(request, ticket)
    return _panel(request, ticket, form=form, status=422)


@require_POST
@staff_required
def time_timer(request: HttpRequest, number: str) -> HttpResponse:
    """Start or stop (``action``) my timer on the ticket."""
    ticket = visible_ticket(request, number)
    try:
        if request.POST.get("action") == "stop":
            billable = request.POST.get("billable") == "on"  # the form's ticked checkbox
            services.timer_stop(actor=actor(request), ticket=ticket, billable=billable)
        else:
            services.timer_start(actor=actor(request), ticket=ticket)
    except DomainError as exc:
        return _panel(request, ticket, error=str(exc.message), status=409)
    return _panel(request, ticket)


@require_POST
@staff_required
def time_delete(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    ticket = visible_ticket(request, number)
    try:
        entry = ts.time_entry_get(user=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if entry.ticket_id != ticket.pk:
        raise Http404
    try:
        services.time_entry_delete(actor=actor(request), entry=entry)
    except DomainError as exc:
        return _panel(request, ticket, error=str(exc.message), status=403)
    return _panel(request, ticket)


@require_http_methods(["GET", "POST"])
@staff_required
def cost_rates(request: HttpRequest) -> HttpResponse:
    """The hourly cost rates and a form to set one (supervisors and admins)."""
    if not is_manager(request.user):
        raise PermissionDenied
    form = CostRateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cost_rate_set(actor=actor(request), **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Hourly cost saved."))
                return redirect("tickets:cost_rates")
        status = 422
    rates = ts.cost_rate_list(user=actor(request))
    return render(request, "tickets/cost_rates.html", {"form": form, "rates": rates}, status=status)
