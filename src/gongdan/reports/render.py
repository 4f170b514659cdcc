"""Rendering a :class:`~gongdan.reports.results.Report` to files: Excel and PDF (charts drawn on
the server from the same figures). Used by ``reports_export``, the dashboards' export buttons and
the scheduled reports.

CONTRACT (work in progress): the export work fills these in.
"""

from __future__ import annotations

from gongdan.reports.results import Report


def report_xlsx(report: Report) -> bytes:
    """The report as an .xlsx workbook: a sheet of headline stats (with the previous period),
    one sheet per table, one per series; labels in the active language."""
    raise NotImplementedError


def report_pdf(report: Report) -> bytes:
    """The report as a PDF (A4, CJK font): stats, each table with its chart drawn server-side."""
    raise NotImplementedError
