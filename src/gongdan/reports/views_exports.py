"""/desk/exports/: export the ticket list (with its filters and columns) and download the files.

The ticket list's "Export" menu posts its query string and the format here; the job runs in the
background and ``/desk/exports/`` lists the user's exports, each row polling (htmx) while its job
runs. Only the owner sees or downloads an export (404 for anyone else).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongdan.core.downloads import stored_file_response
from gongdan.core.errors import DomainError, NotFound
from gongdan.reports import services
from gongdan.reports.export_selectors import export_get, export_list
from gongdan.reports.exports import COLUMNS
from gongdan.reports.models import Export
from gongdan.tickets.forms import TicketFilterForm
from gongdan.tickets.views._common import actor, is_htmx, staff_required

TEMPLATE = "reports/exports.html"


def _own(request: HttpRequest, pk: int) -> Export:
    try:
        return export_get(user=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def list_filters(request: HttpRequest, query: str) -> dict[str, Any]:
    """The ticket list's query string as ``tickets_list`` filters (as the list reads it:
    invalid values dropped, the user's own open tickets when no view is named)."""
    form = TicketFilterForm(QueryDict(query[:4000]), user=actor(request))
    values = asdict(form.to_filters())
    return {k: v for k, v in values.items() if v not in (None, "", [])}


@require_GET
@staff_required
def export_list_view(request: HttpRequest) -> HttpResponse:
    rows = list(export_list(user=actor(request)))
    return render(request, TEMPLATE, {"exports": rows, "columns": COLUMNS})


@require_POST
@staff_required
def export_tickets_view(request: HttpRequest) -> HttpResponse:
    """Start an export of the ticket list the user was looking at."""
    query = request.POST.get("query", "")
    try:
        services.export_create(
            actor=actor(request),
            format=request.POST.get("format", ""),
            filters=list_filters(request, query),
            columns=request.POST.getlist("columns") or None,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"{reverse('tickets:list')}?{query}")
    messages.success(request, _("Export started: the file will be listed here when it is ready."))
    return redirect("exports:list")


@require_GET
@staff_required
def export_row_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One row of the list (what the htmx poll swaps in while the job runs)."""
    export = _own(request, pk)
    if not is_htmx(request):
        return redirect("exports:list")
    return render(request, f"{TEMPLATE}#row", {"export": export, "columns": COLUMNS})


@require_GET
@staff_required
def export_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    export = _own(request, pk)
    if export.status != Export.State.DONE:
        raise Http404(_("This export has no file (yet)."))
    try:
        response = stored_file_response(export)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    services.export_downloaded(actor=actor(request), export=export)
    return cast(HttpResponse, response)  # a streamed file, answered like any other response
