"""The ticket list: view tabs with counts, filters, sorting, keyset pages and saved views."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gongdan.accounts.models import User
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.htmx import htmx_target
from gongdan.core.pagination import Page, keyset_page
from gongdan.tickets.forms import SavedViewForm, TicketFilterForm, add_domain_error
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import (
    LIST_COLUMNS,
    View,
    ordering_for,
    saved_view_list,
    ticket_list,
    view_counts,
)
from gongdan.tickets.services.saved_views import saved_view_create, saved_view_delete
from gongdan.tickets.views._common import actor, is_htmx, staff_required

TEMPLATE = "tickets/ticket_list.html"
VIEW_LABELS = {
    View.MINE: _("Mine, open"),
    View.UNASSIGNED: _("Unassigned in my teams"),
    View.ALL_OPEN: _("All open"),
    View.PENDING: _("Pending"),
    View.RESOLVED: _("Resolved"),
    View.DUE: _("SLA due soonest"),
    View.BREACHED: _("SLA breached"),
    View.ALL: _("All"),
}


def _tabs(user: User, current: str) -> list[dict[str, Any]]:
    """The view tabs the user gets ("all open" is a supervisors' view), with their counts."""
    counts = view_counts(user=user)
    views = [v for v in VIEW_LABELS if v != View.ALL_OPEN or user.sees_all_tickets]
    return [
        {"key": v, "label": VIEW_LABELS[v], "count": counts.get(v), "active": v == current}
        for v in views
    ]


def _page(user: User, form: TicketFilterForm, cursor: str | None) -> tuple[Any, Page[Ticket]]:
    filters = form.to_filters()
    qs = ticket_list(user=user, filters=filters)
    ordering = ordering_for(filters.sort)
    try:
        page = keyset_page(qs, ordering=ordering, size=form.page_size, cursor=cursor)
    except DomainError:  # a mangled cursor: start again from the first page
        page = keyset_page(qs, ordering=ordering, size=form.page_size)
    return filters, page


def _sidebar(user: User, form: SavedViewForm | None = None) -> dict[str, Any]:
    return {"saved_views": saved_view_list(user=user), "saved_form": form or SavedViewForm()}


@require_GET
@staff_required
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    """Full page, or just the results when htmx swaps ``#ticket-results`` after a filter change."""
    user = actor(request)
    form = TicketFilterForm(request.GET, user=user)
    filters, page = _page(user, form, request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "export_columns": LIST_COLUMNS,
    }
    if htmx_target(request) == "ticket-results":
        return render(request, f"{TEMPLATE}#results", context)
    # The filter panel opens only when a filter narrows the list (not for a tab or a page).
    narrowing = {k for k, v in request.GET.items() if v} - {"view", "cursor", "sort", "size"}
    context |= {
        "tabs": _tabs(user, filters.view),
        "filters_open": bool(narrowing),
        **_sidebar(user),
    }
    return render(request, TEMPLATE, context)


def _saved_views_response(request: HttpRequest, form: SavedViewForm, target: str) -> HttpResponse:
    if is_htmx(request):
        status = 422 if form.errors else 200
        return render(
            request, f"{TEMPLATE}#saved_views", _sidebar(actor(request), form), status=status
        )
    return redirect(target)


@require_POST
@staff_required
def saved_view_create_view(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = saved_view_create(actor=actor(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _saved_views_response(
                request, SavedViewForm(), f"{reverse('tickets:list')}?{view.query}"
            )
    return _saved_views_response(request, form, reverse("tickets:list"))


@require_POST
@staff_required
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_view_delete(actor=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return _saved_views_response(request, SavedViewForm(), reverse("tickets:list"))


@require_GET
def desk_index(request: HttpRequest) -> HttpResponse:
    """``/desk/``: staff (and visitors, who sign in first) go to the ticket list; a signed-in
    customer — following an old link or typing the address — goes to the portal instead."""
    user = request.user
    if user.is_authenticated and not getattr(user, "is_staff_member", False):
        return redirect("portal:home")
    return redirect("tickets:list")
