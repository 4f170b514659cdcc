"""Rendering a :class:`~gongdan.reports.results.Report` to files: Excel and PDF (charts drawn on
the server from the same figures). Used by ``reports_export``, the dashboards' export buttons and
the scheduled reports.

Units (``results`` module): counts as whole numbers, ``seconds`` as hours and minutes (an Excel
duration ``[h]:mm``; "h:mm" text in the PDF), ``ratio`` as a percentage, ``money`` with two
decimals, ``minutes`` as whole minutes; a missing value (None) is "—", never 0.

PDF text uses a CJK font: an embeddable TrueType one when the system has it
(``CJK_TRUETYPE_FONTS``, e.g. Debian's fonts-wqy-microhei), else reportlab's built-in CID font
STSong-Light (always there; the reader's PDF viewer supplies the glyphs). The Noto CJK OTF files of
fonts-noto-cjk are CFF-based, which reportlab's TTFont cannot load.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from gongdan.reports.filters import ReportFilters
from gongdan.reports.results import Column, Number, Report, Series, Stat, Table

logger = logging.getLogger(__name__)

DASH = "—"
CJK_TRUETYPE_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
CID_FONT = "STSong-Light"
PALETTE = [
    colors.HexColor(c)
    for c in ("#5470C6", "#91CC75", "#FAC858", "#EE6666", "#73C0DE", "#3BA272", "#FC8452")
]
CHART_ROWS = 20  # a chart shows at most this many rows of its table (the table shows all)


# --- values ---------------------------------------------------------------------------------------
def as_text(value: Number | str, unit: str) -> str:
    """A figure as text for the PDF (and for cells whose unit has no number format)."""
    if value is None or value == "":
        return DASH
    if unit == "text" or isinstance(value, str):
        return str(value)
    if unit == "seconds":
        minutes = round(float(value) / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if unit == "ratio":
        return f"{float(value) * 100:.1f}%"
    if unit == "money":
        return f"{float(value):,.2f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _change_text(change: float | None) -> str:
    return DASH if change is None else f"{change * 100:+.1f}%"


def _filters_text(filters: ReportFilters) -> str:
    query = filters.as_query()
    return ", ".join(f"{k}={v}" for k, v in query.items()) or _("none")


def _period_text(report: Report) -> str:
    return f"{report.period.start:%Y-%m-%d} – {report.period.end:%Y-%m-%d}"


def _generated(report: Report) -> str:
    at = report.generated_at or timezone.now()
    if timezone.is_aware(at):
        at = timezone.localtime(at)
    return f"{at:%Y-%m-%d %H:%M}"


def chart_value(value: Number, unit: str) -> float:
    """A figure on a chart's axis: durations in hours, ratios in percent, None as 0."""
    if value is None:
        return 0.0
    scale = {"seconds": 1 / 3600, "ratio": 100.0}.get(unit, 1.0)
    return float(value) * scale


def _numeric(columns: Sequence[Column]) -> list[Column]:
    return [c for c in columns if c.unit not in ("text",)]


# --- Excel ---------------------------------------------------------------------------------------
class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.head = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        self.muted = book.add_format({"font_color": "#666666"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.units = {
            "count": book.add_format({"num_format": "#,##0"}),
            "minutes": book.add_format({"num_format": "#,##0"}),
            "seconds": book.add_format({"num_format": "[h]:mm"}),
            "ratio": book.add_format({"num_format": "0.0%"}),
            "money": book.add_format({"num_format": "#,##0.00"}),
        }
        self.change = book.add_format({"num_format": "+0.0%;-0.0%;0.0%"})
        self.dash = book.add_format({"align": "right", "font_color": "#999999"})


def _write_value(sheet: Any, row: int, col: int, value: Any, unit: str, fmt: _Formats) -> None:
    if value is None:
        sheet.write_string(row, col, DASH, fmt.dash)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), fmt.date)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime.combine(value, datetime.min.time()), fmt.date)
    elif unit == "text" or isinstance(value, str) or not isinstance(value, int | float):
        sheet.write_string(row, col, str(value))
    elif unit == "seconds":  # an Excel duration is a fraction of a day
        sheet.write_number(row, col, float(value) / 86400, fmt.units["seconds"])
    else:
        sheet.write_number(row, col, value, fmt.units.get(unit, fmt.units["count"]))


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: Any, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", str(title)).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} ({n})", n + 1
    used.add(name.lower())
    return name


def _heading(sheet: Any, report: Report, fmt: _Formats) -> int:
    sheet.write_string(0, 0, str(report.title), fmt.title)
    sheet.write_string(1, 0, _("Period"), fmt.muted)
    sheet.write_string(1, 1, _period_text(report))
    sheet.write_string(2, 0, _("Filters"), fmt.muted)
    sheet.write_string(2, 1, _filters_text(report.filters))
    sheet.write_string(3, 0, _("Generated"), fmt.muted)
    sheet.write_string(3, 1, _generated(report))
    return 5


def _stats_sheet(sheet: Any, report: Report, fmt: _Formats) -> None:
    row = _heading(sheet, report, fmt)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 3, 14)
    sheet.write_row(
        row, 0, [_("Figure"), _("Value"), _("Previous period"), _("Change vs previous")], fmt.head
    )
    for stat in report.stats:
        row += 1
        _stat_row(sheet, row, stat, fmt)


def _stat_row(sheet: Any, row: int, stat: Stat, fmt: _Formats) -> None:
    sheet.write_string(row, 0, str(stat.label))
    _write_value(sheet, row, 1, stat.value, stat.unit, fmt)
    _write_value(sheet, row, 2, stat.previous, stat.unit, fmt)
    change = stat.change
    if change is None:
        sheet.write_string(row, 3, DASH, fmt.dash)
    else:
        sheet.write_number(row, 3, change, fmt.change)


def _table_sheet(sheet: Any, table: Table, fmt: _Formats) -> None:
    sheet.write_string(0, 0, str(table.title), fmt.title)
    sheet.write_row(2, 0, [str(c.label) for c in table.columns], fmt.head)
    for i, column in enumerate(table.columns):
        sheet.set_column(i, i, 24 if column.unit == "text" else 14)
    for r, values in enumerate(table.rows, start=3):
        for c, column in enumerate(table.columns):
            _write_value(sheet, r, c, values.get(column.key), column.unit, fmt)
    sheet.freeze_panes(3, 0)


def _series_sheet(sheet: Any, series: Series, fmt: _Formats) -> None:
    sheet.write_string(0, 0, str(series.label), fmt.title)
    sheet.write_row(2, 0, [_("Period start"), *[str(x.label) for x in series.lines]], fmt.head)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, max(1, len(series.lines)), 16)
    for r, bucket in enumerate(series.buckets, start=3):
        _write_value(sheet, r, 0, bucket, "text", fmt)
        for c, line in enumerate(series.lines, start=1):
            value = line.values[r - 3] if r - 3 < len(line.values) else None
            _write_value(sheet, r, c, value, series.unit, fmt)
    sheet.freeze_panes(3, 1)


def report_xlsx(report: Report) -> bytes:
    """The report as an .xlsx workbook: a sheet of headline stats (with the previous period),
    one sheet per table, one per series; labels in the active language."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    fmt = _Formats(book)
    used: set[str] = set()
    _stats_sheet(book.add_worksheet(_sheet_name(_("Summary"), used)), report, fmt)
    for table in report.tables:
        _table_sheet(book.add_worksheet(_sheet_name(table.title, used)), table, fmt)
    for series in report.series:
        _series_sheet(book.add_worksheet(_sheet_name(series.label, used)), series, fmt)
    book.close()
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------------
@cache
def pdf_font() -> str:
    """The name of the registered CJK font (see the module docstring)."""
    for path in CJK_TRUETYPE_FONTS:
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont("GongdanCJK", path, subfontIndex=0))
            except Exception:  # an unreadable font file: fall back to the built-in one
                logger.warning("cannot load the CJK font %s", path, exc_info=True)
                continue
            return "GongdanCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
    }


def _grid(data: list[list[Any]], font: str, widths: list[float] | None = None) -> PdfTable:
    table = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F7")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _chart_labels(table: Table) -> list[str]:
    text = [c for c in table.columns if c.unit == "text"]
    key = text[0].key if text else table.columns[0].key
    return [str(row.get(key, ""))[:14] for row in table.rows[:CHART_ROWS]]


def _legend(drawing: Drawing, names: list[str], font: str, x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 7
    legend.alignment = "right"  # the swatch left of its name
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
    drawing.add(legend)


def table_chart(table: Table, font: str, width: float = 170 * mm) -> Drawing | None:
    """The table's chart (bar, stack, line or pie over its rows), or None when it has none."""
    numeric = _numeric(table.columns)
    if not table.rows or not numeric or table.chart not in ("bar", "stack", "line", "pie"):
        return None
    labels = _chart_labels(table)
    rows = table.rows[:CHART_ROWS]
    drawing = Drawing(width, 70 * mm)
    if table.chart == "pie":
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 10, 10, 55 * mm, 55 * mm
        pie.data = [max(0.0, chart_value(r.get(numeric[0].key), numeric[0].unit)) for r in rows]
        if not any(pie.data):
            return None
        pie.labels = None
        for i in range(len(pie.data)):
            pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
        drawing.add(pie)
        _legend(drawing, labels, font, 75 * mm, 60 * mm)
        return drawing
    series = [c for c in numeric if c.unit == numeric[0].unit][:4]  # one axis, one unit
    data = [[chart_value(r.get(c.key), c.unit) for r in rows] for c in series]
    chart: Any = HorizontalLineChart() if table.chart == "line" else VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, width - 140, 70 * mm - 40
    chart.data = data
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 6 else "n"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if table.chart == "stack":
        chart.categoryAxis.style = "stacked"
    for i in range(len(series)):
        target = chart.lines[i] if table.chart == "line" else chart.bars[i]
        color = PALETTE[i % len(PALETTE)]
        target.strokeColor = color
        if table.chart != "line":
            target.fillColor = color
    drawing.add(chart)
    _legend(drawing, [str(c.label) for c in series], font, width - 100, 70 * mm - 10)
    return drawing


def series_chart(series: Series, font: str, width: float = 170 * mm) -> Drawing | None:
    if not series.buckets or not series.lines:
        return None
    drawing = Drawing(width, 70 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, width - 140, 70 * mm - 40
    lines = series.lines[:7]
    chart.data = [[chart_value(v, series.unit) for v in line.values] for line in lines]
    step = max(1, len(series.buckets) // 12)
    chart.categoryAxis.categoryNames = [
        f"{b:%m-%d}" if i % step == 0 else "" for i, b in enumerate(series.buckets)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for i in range(len(lines)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
    drawing.add(chart)
    _legend(drawing, [str(x.label) for x in lines], font, width - 100, 70 * mm - 10)
    return drawing


def _stats_flow(report: Report, font: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not report.stats:
        return []
    data: list[list[Any]] = [
        [_("Figure"), _("Value"), _("Previous period"), _("Change vs previous")]
    ]
    for s in report.stats:
        data.append(
            [
                _p(s.label, st["cell"]),
                as_text(s.value, s.unit),
                as_text(s.previous, s.unit),
                _change_text(s.change),
            ]
        )
    return [_grid(data, font, [80 * mm, 30 * mm, 30 * mm, 25 * mm]), Spacer(1, 4 * mm)]


def _table_flow(table: Table, font: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [_p(table.title, st["h2"])]
    chart = table_chart(table, font)
    if chart is not None:
        flow.append(chart)
    if not table.rows:
        flow.append(_p(_("No data."), st["muted"]))
        return [KeepTogether(flow)]
    data: list[list[Any]] = [[_p(c.label, st["cell"]) for c in table.columns]]
    for row in table.rows:
        data.append(
            [
                _p(as_text(row.get(c.key), c.unit), st["cell"])
                if c.unit == "text"
                else as_text(row.get(c.key), c.unit)
                for c in table.columns
            ]
        )
    flow.append(_grid(data, font))
    return flow


def _series_flow(series: Series, font: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [_p(series.label, st["h2"])]
    chart = series_chart(series, font)
    if chart is not None:
        flow.append(chart)
    data: list[list[Any]] = [[_("Period start"), *[_p(x.label, st["cell"]) for x in series.lines]]]
    for i, bucket in enumerate(series.buckets):
        values = [line.values[i] if i < len(line.values) else None for line in series.lines]
        data.append([f"{bucket:%Y-%m-%d}", *[as_text(v, series.unit) for v in values]])
    flow.append(_grid(data, font))
    return flow


def report_pdf(report: Report) -> bytes:
    """The report as a PDF (A4, CJK font): stats, each table with its chart drawn server-side."""
    font = pdf_font()
    st = _styles(font)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=str(report.title),
        author="gongdan",
    )
    flow: list[Flowable] = [
        _p(report.title, st["title"]),
        _p(f"{_('Period')}: {_period_text(report)}", st["muted"]),
        _p(f"{_('Filters')}: {_filters_text(report.filters)}", st["muted"]),
        _p(f"{_('Generated')}: {_generated(report)}", st["muted"]),
        Spacer(1, 5 * mm),
        *_stats_flow(report, font, st),
    ]
    for table in report.tables:
        flow.extend(_table_flow(table, font, st))
    for series in report.series:
        flow.extend(_series_flow(series, font, st))
    doc.build(flow)
    return out.getvalue()
