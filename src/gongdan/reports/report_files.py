"""A report as a file to download: parse the request's name, period and filters, build the
report for the reader (``selectors.report_build``) and render it (``render``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from gongdan.audit.changes import record
from gongdan.reports import changes, render
from gongdan.reports.filters import ReportFilters, check_choice
from gongdan.reports.periods import Period, period_parse
from gongdan.reports.selectors import REPORTS, report_build

RENDERERS = {"xlsx": render.report_xlsx, "pdf": render.report_pdf}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_file(
    *,
    user: object,
    name: str,
    period: str,
    format: str,
    start: date | None = None,
    end: date | None = None,
    **filters: Any,
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of report ``name`` for ``user``. 422 for an unknown
    report (``report.unknown_report``), format (``report.unknown_format``) or period."""
    chosen = period_parse(period, start=start, end=end)
    return report_file_for(
        user=user, name=name, format=format, period=chosen, filters=ReportFilters(**filters)
    )


def report_file_for(
    *, user: object, name: str, format: str, period: Period, filters: ReportFilters
) -> tuple[bytes, str, str]:
    """:func:`report_file` for a period and filters already parsed (the workspace's form)."""
    check_choice(name, REPORTS, code="report.unknown_report", field="name")
    check_choice(format, tuple(RENDERERS), code="report.unknown_format", field="format")
    report = report_build(user=user, name=name, period=period, filters=filters)
    if report.generated_at is None:
        report.generated_at = timezone.now()
    content = RENDERERS[format](report)
    data = {"name": name, "format": format, "start": str(period.start), "end": str(period.end)}
    record(changes.report_downloaded(actor=user, data=data | filters.as_query()))
    filename = f"{slugify(name) or 'report'}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{format}"
    return content, CONTENT_TYPES[format], filename


def report_file_response(**kwargs: Any) -> HttpResponse:
    """:func:`report_file` as a download (never cached by shared caches)."""
    return file_response(*report_file(**kwargs))


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A rendered report as a download (never cached by shared caches)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
