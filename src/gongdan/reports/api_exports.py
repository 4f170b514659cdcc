"""/api/v1: ticket-list exports as background jobs, and reports as files.

``tickets_export`` queues an export of the tickets the caller may see (202 with the job);
``exports_get`` tells its progress and, once done, where to download it; ``exports_download``
sends the file. An export is its owner's alone: anyone else gets 404. ``reports_export`` builds a
report and answers it at once as .xlsx or PDF.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.core.api_support import ERRORS, file_download
from gongdan.core.downloads import stored_file_response
from gongdan.core.errors import NotFound
from gongdan.reports import report_files, services
from gongdan.reports.export_selectors import export_get, export_list
from gongdan.reports.models import Export
from gongdan.reports.schemas_exports import ExportOut, ReportExportQuery, TicketExportIn

router = Router(tags=["reports"])


@router.post("/tickets/export", response={202: ExportOut, **ERRORS}, operation_id="tickets_export")
def tickets_export(request: HttpRequest, payload: TicketExportIn) -> Status[Export]:
    """Export the tickets you may see with the ``tickets_list`` filters to .xlsx or CSV (UTF-8
    with BOM), in the background: follow ``exports_get`` until ``status`` is ``done``."""
    filters = payload.model_dump(mode="json", exclude={"format", "columns"}, exclude_defaults=True)
    export = services.export_create(
        actor=api_user(request),
        format=payload.format,
        filters=filters,
        columns=payload.columns or None,
    )
    return Status(202, Export.objects.get(pk=export.pk))


@router.get("/exports", response={200: list[ExportOut], **ERRORS}, operation_id="exports_list")
def exports_list(request: HttpRequest) -> Any:
    """Your exports that have not expired, newest first (at most 50)."""
    return list(export_list(user=api_user(request)))


@router.get("/exports/{export_id}", response={200: ExportOut, **ERRORS}, operation_id="exports_get")
def exports_get(request: HttpRequest, export_id: int) -> Export:
    """One of your exports: status, progress (rows done of rows total) and download URL."""
    return export_get(user=api_user(request), pk=export_id)


@router.get(
    "/exports/{export_id}/download",
    response=ERRORS,
    operation_id="exports_download",
    url_name="exports_download",
    openapi_extra=file_download("The export's file, as a download"),
)
def exports_download(request: HttpRequest, export_id: int) -> FileResponse:
    """The file of one of your finished exports (404 while it runs, if it failed, or not yours)."""
    user = api_user(request)
    export = export_get(user=user, pk=export_id)
    if export.status != Export.State.DONE:
        raise NotFound("export.not_ready", _("This export has no file (yet)."))
    response = stored_file_response(export)
    services.export_downloaded(actor=user, export=export)
    return response


@router.api_operation(
    ["GET", "POST"],
    "/reports/export",
    response=ERRORS,
    operation_id="reports_export",
    openapi_extra=file_download("The report as .xlsx or PDF"),
)
def reports_export(request: HttpRequest, query: Query[ReportExportQuery]) -> HttpResponse:
    """A report (``name``: overview, agents, stage_dwell, insight, cost) for a period and
    filters, with the figures you may see, as an .xlsx workbook or a PDF."""
    return report_files.report_file_response(
        user=api_user(request), **query.model_dump(exclude_defaults=False)
    )
