"""The ticket list: view tabs with counts, filters, sortable columns, keyset pages, saved views
(personal and shared), the column chooser, row density and bulk actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gongdan.accounts.choices import MANAGER_ROLES
from gongdan.accounts.models import User
from gongdan.accounts.policies import has_role
from gongdan.accounts.selectors import team_list
from gongdan.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from gongdan.core.htmx import htmx_target
from gongdan.core.pagination import Page, keyset_page
from gongdan.tickets.choices import Priority, Status
from gongdan.tickets.columns import COLUMNS, Column, columns_or_default
from gongdan.tickets.forms import SavedViewForm, TicketFilterForm, add_domain_error
from gongdan.tickets.models import ListPreference, SavedView, Ticket
from gongdan.tickets.selectors import (
    LIST_COLUMNS,
    View,
    list_preference,
    ordering_for,
    saved_view_list,
    ticket_list,
    tickets_unread,
    view_counts,
)
from gongdan.tickets.services.bulk import BULK_MAX, bulk_action_list, tickets_bulk_apply
from gongdan.tickets.services.preferences import list_preference_set
from gongdan.tickets.services.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_set_columns,
)
from gongdan.tickets.view_filters import saved_view_counts
from gongdan.tickets.views._common import actor, is_htmx, staff_required

TEMPLATE = "tickets/ticket_list.html"
VIEW_LABELS = {
    View.MINE: gettext_lazy("Mine, open"),
    View.UNASSIGNED: gettext_lazy("Unassigned in my teams"),
    View.ALL_OPEN: gettext_lazy("All open"),
    View.PENDING: gettext_lazy("Pending"),
    View.RESOLVED: gettext_lazy("Resolved"),
    View.DUE: gettext_lazy("SLA due soonest"),
    View.BREACHED: gettext_lazy("SLA breached"),
    View.ALL: gettext_lazy("All"),
}
#: Saved views counted in the sidebar (the first ones of the list; each count is bounded).
COUNTED_SAVED_VIEWS = 10
BULK_PARAMS = ("assignee", "to", "comment", "priority", "team", "tags", "target", "value")


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
    ordering = ordering_for(filters.sort, view=filters.view)
    try:
        page = keyset_page(qs, ordering=ordering, size=form.page_size, cursor=cursor)
    except DomainError:  # a mangled cursor: start again from the first page
        page = keyset_page(qs, ordering=ordering, size=form.page_size)
    return filters, page


def _saved(views: list[SavedView], request: HttpRequest) -> SavedView | None:
    """The saved view the list was opened from (``?saved=<id>``), if the user may see it."""
    wanted = request.GET.get("saved", "")
    return next((v for v in views if str(v.pk) == wanted), None) if wanted.isdigit() else None


def _headers(columns: list[Column], sort: str, query: QueryDict) -> list[dict[str, Any]]:
    """Each column header: its label, and for sortable ones the link that sorts by it
    (ascending first, or descending for dates, numbers and priority; a second click reverses)
    with ``aria-sort`` on the current one."""
    base = query.copy()
    base.pop("sort", None)
    headers = []
    for column in columns:
        header: dict[str, Any] = {"key": column.key, "label": column.label, "aria_sort": ""}
        if column.sort:
            asc, desc = column.sort, f"-{column.sort}"
            if sort == asc:
                header["aria_sort"], target = "ascending", desc
            elif sort == desc:
                header["aria_sort"], target = "descending", asc
            else:
                target = desc if column.descending_first else asc
            base["sort"] = target
            header["href"] = "?" + base.urlencode()
        headers.append(header)
    return headers


def _matching(page: Page[Ticket], qs_count: Any) -> int | None:
    """How many tickets match, up to BULK_MAX + 1 (None: counted only when asked)."""
    if not page.next_cursor and not page.prev_cursor:
        return len(page.items)
    return int(qs_count())


def _results_context(
    request: HttpRequest, user: User, views: list[SavedView], pref: ListPreference
) -> dict[str, Any]:
    form = TicketFilterForm(request.GET, user=user)
    filters, page = _page(user, form, request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    saved = _saved(views, request)
    columns = [COLUMNS[k] for k in columns_or_default(saved.columns if saved else pref.columns)]

    def bounded() -> int:
        return (
            ticket_list(user=user, filters=filters).order_by().values("pk")[: BULK_MAX + 1].count()
        )

    return {
        "form": form,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "export_columns": LIST_COLUMNS,
        "columns": columns,
        "column_keys": [c.key for c in columns],
        "headers": _headers(columns, filters.sort, query),
        "unread": tickets_unread(user=user, tickets=page.items),
        "matching": _matching(page, bounded),
        "bulk_max": BULK_MAX,
        "saved": saved,
        "density": pref.density,
    }


def _sidebar(
    user: User, form: SavedViewForm | None = None, views: list[SavedView] | None = None
) -> dict[str, Any]:
    views = saved_view_list(user=user) if views is None else views
    counts = saved_view_counts(user=user, views=views[:COUNTED_SAVED_VIEWS])
    for view in views:
        view.count = counts.get(view.pk)  # type: ignore[attr-defined]
    return {
        "saved_views": views,
        "my_views": [v for v in views if v.user_id == user.pk],
        "shared_views": [v for v in views if v.user_id != user.pk],
        "saved_form": form or SavedViewForm(user=user),
        "may_share": has_role(user, *MANAGER_ROLES),
        "bulk_teams": list(team_list(user=user)),  # also the bulk bar's teams
    }


def _bulk_context(user: User, form: TicketFilterForm) -> dict[str, Any]:
    fields: Any = form.fields
    return {
        "bulk_actions": bulk_action_list(),
        "bulk_statuses": Status.choices,
        "bulk_priorities": Priority.choices,
        "bulk_staff": [c for c in fields["assignee"].choices if str(c[0]).isdigit()],
        "columns_all": [COLUMNS[k] for k in COLUMNS],
    }


@require_GET
@staff_required
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    """Full page, or just the results when htmx swaps ``#ticket-results`` after a filter change."""
    user = actor(request)
    pref = list_preference(user=user)
    views = saved_view_list(user=user)
    context = _results_context(request, user, views, pref)
    if htmx_target(request) == "ticket-results":
        return render(request, f"{TEMPLATE}#results", context)
    sidebar = _sidebar(user, views=views)
    # The filter panel opens only when a filter narrows the list (not for a tab or a page).
    narrowing = {k for k, v in request.GET.items() if v} - {
        "view",
        "cursor",
        "sort",
        "size",
        "saved",
    }
    context |= {
        "tabs": _tabs(user, context["filters"].view),
        "filters_open": bool(narrowing),
        **sidebar,
        **_bulk_context(user, context["form"]),
    }
    return render(request, TEMPLATE, context)


def _back(request: HttpRequest) -> HttpResponse:
    query = str(request.POST.get("query", ""))[:2000]
    return redirect(f"{reverse('tickets:list')}?{query}" if query else reverse("tickets:list"))


@require_POST
@staff_required
def list_density_view(request: HttpRequest) -> HttpResponse:
    """Remember comfortable or compact rows for this user, then back to the same list."""
    try:
        list_preference_set(actor=actor(request), density=request.POST.get("density", ""))
    except ValidationFailed as exc:
        return HttpResponse(str(exc.message), status=422)
    return _back(request)


@require_POST
@staff_required
def list_columns_view(request: HttpRequest) -> HttpResponse:
    """The column chooser: the ticked columns, ordered by their position numbers; stored on the
    saved view the list came from (its owner's), else as the user's columns for built-in views."""
    chosen = [k for k in request.POST.getlist("columns") if k in COLUMNS]

    def position(key: str) -> tuple[int, int]:
        raw = str(request.POST.get(f"pos_{key}", ""))
        return (int(raw) if raw.isdigit() and len(raw) < 4 else 999, chosen.index(key))

    ordered = sorted(chosen, key=position)
    saved = str(request.POST.get("saved", ""))
    try:
        if saved.isdigit():
            saved_view_set_columns(actor=actor(request), pk=int(saved), columns=ordered)
        else:
            list_preference_set(actor=actor(request), columns=ordered)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status)
    return _back(request)


def _selection(request: HttpRequest, user: User) -> tuple[list[str], dict[str, int]]:
    """The tickets ticked on the page (``number~version``), or every ticket matching the list's
    filters when "select all matching" was chosen (at most BULK_MAX)."""
    if request.POST.get("all_matching") == "1":
        form = TicketFilterForm(QueryDict(str(request.POST.get("query", ""))[:2000]), user=user)
        qs = ticket_list(user=user, filters=form.to_filters())
        numbers = list(qs.values_list("number", flat=True)[: BULK_MAX + 1])
        if len(numbers) > BULK_MAX:
            message = _(
                "More than %(max)d tickets match these filters. Bulk actions change at most "
                "%(max)d tickets at a time: narrow the filters and apply it in parts."
            ) % {"max": BULK_MAX}
            raise ValidationFailed("bulk.too_many", message)
        return numbers, {}
    numbers, versions = [], {}
    for value in request.POST.getlist("t"):
        number, _sep, version = str(value).partition("~")
        numbers.append(number)
        if version.isdigit() and len(version) < 10:
            versions[number] = int(version)
    return numbers, versions


@require_POST
@staff_required
def ticket_bulk_view(request: HttpRequest) -> HttpResponse:
    """Apply a bulk action; answers the per-ticket report (``#bulk-report``). With htmx, the
    list reloads itself afterwards (``HX-Trigger: tickets-changed``)."""
    user = actor(request)
    params = {k: request.POST.get(k, "") for k in BULK_PARAMS}
    context: dict[str, Any] = {"query": str(request.POST.get("query", ""))[:2000]}
    try:
        numbers, versions = _selection(request, user)
        result = tickets_bulk_apply(
            actor=user,
            numbers=numbers,
            action=str(request.POST.get("action", "")),
            params=params,
            versions=versions,
        )
    except DomainError as exc:
        context["error"] = exc
        status = exc.status
    else:
        context["result"] = result
        status = 200
    template = "tickets/bulk_result.html"
    response = render(request, f"{template}#report" if is_htmx(request) else template, context)
    response.status_code = status
    if is_htmx(request) and status == 200:
        response["HX-Trigger"] = "tickets-changed"
    return response


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
    form = SavedViewForm(request.POST, user=actor(request))
    if form.is_valid():
        try:
            view = saved_view_create(actor=actor(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _saved_views_response(
                request,
                SavedViewForm(user=actor(request)),
                f"{reverse('tickets:list')}?{view.query}&saved={view.pk}",
            )
    return _saved_views_response(request, form, reverse("tickets:list"))


@require_POST
@staff_required
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_view_delete(actor=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    return _saved_views_response(
        request, SavedViewForm(user=actor(request)), reverse("tickets:list")
    )


@require_GET
def desk_index(request: HttpRequest) -> HttpResponse:
    """``/desk/``: staff (and visitors, who sign in first) go to the ticket list; a signed-in
    customer — following an old link or typing the address — goes to the portal instead."""
    user = request.user
    if user.is_authenticated and not getattr(user, "is_staff_member", False):
        return redirect("portal:home")
    return redirect("tickets:list")
