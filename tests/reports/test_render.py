"""Report files: the same figures read back from the .xlsx (openpyxl) and found in the PDF."""

from __future__ import annotations

import base64
import io
import re
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from gongdan.reports import render, report_files
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.results import Column, Line, Report, Series, Stat, Table
from gongdan.testing import Api, World


def sample_report() -> Report:
    return Report(
        name="overview",
        title="服务台概览 Desk overview",
        period=Period(date(2026, 11, 1), date(2026, 11, 30)),
        filters=ReportFilters(team=3, priority="high"),
        stats=[
            Stat("created", "新建工单 Created", "count", 120, 100),
            Stat("frt", "首次响应 FRT", "seconds", 5400, None),
            Stat("sla", "SLA 达成率", "ratio", 0.925, 0.9),
            Stat("cost", "成本 Cost", "money", 1234.5, 0),
            Stat("csat", "满意度 CSAT", "ratio", None, None),
        ],
        tables=[
            Table(
                "by_team",
                "按团队 By team",
                [
                    Column("team", "团队 Team", "text"),
                    Column("created", "新建 Created"),
                    Column("resolution", "解决时长 Resolution", "seconds"),
                ],
                [
                    {"team": "IT 运维", "created": 70, "resolution": 7200},
                    {"team": "现场服务", "created": 50, "resolution": None},
                ],
                chart="bar",
            ),
            Table(
                "channels",
                "渠道 Channels",
                [Column("channel", "渠道", "text"), Column("share", "占比 Share", "ratio")],
                [{"channel": "邮件", "share": 0.6}, {"channel": "电话", "share": 0.4}],
                chart="pie",
            ),
        ],
        series=[
            Series(
                "created",
                "每日新建 Created per day",
                "count",
                "day",
                "team",
                [date(2026, 11, 1) + timedelta(days=i) for i in range(3)],
                [Line("it", "IT 运维", [3, 4, None]), Line("field", "现场服务", [1, 0, 2])],
            )
        ],
        generated_at=datetime(2026, 12, 1, 8, 0),
    )


def _cells(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_a_summary_sheet_a_sheet_per_table_and_per_series() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render.report_xlsx(sample_report())))
    assert book.sheetnames == [
        "Summary",
        "按团队 By team",
        "渠道 Channels",
        "每日新建 Created per day",
    ]
    summary = book["Summary"]
    rows = _cells(summary)
    assert rows[0][0] == "服务台概览 Desk overview"
    assert rows[1][:2] == ["Period", "2026-11-01 – 2026-11-30"]
    assert rows[2][:2] == ["Filters", "team=3, priority=high"]
    assert rows[5] == ["Figure", "Value", "Previous period", "Change vs previous"]
    assert rows[6] == ["新建工单 Created", 120, 100, pytest.approx(0.2)]
    assert rows[7] == ["首次响应 FRT", timedelta(seconds=5400), "—", "—"]
    assert rows[8] == ["SLA 达成率", 0.925, 0.9, pytest.approx(0.925 / 0.9 - 1)]
    assert rows[9] == ["成本 Cost", 1234.5, 0, "—"]
    assert rows[10] == ["满意度 CSAT", "—", "—", "—"]
    # units are number formats: durations as [h]:mm, ratios as %, money with 2 decimals
    assert summary["B7"].number_format == "#,##0"
    assert summary["B8"].number_format == "[h]:mm"
    assert summary["B9"].number_format == "0.0%"
    assert summary["B10"].number_format == "#,##0.00"
    team = book["按团队 By team"]
    assert _cells(team)[2:] == [
        ["团队 Team", "新建 Created", "解决时长 Resolution"],
        ["IT 运维", 70, timedelta(hours=2)],
        ["现场服务", 50, "—"],
    ]
    assert team["C4"].number_format == "[h]:mm"
    assert book["渠道 Channels"]["B4"].number_format == "0.0%"
    series = _cells(book["每日新建 Created per day"])
    assert series[2] == ["Period start", "IT 运维", "现场服务"]
    assert series[3:] == [
        [datetime(2026, 11, 1), 3, 1],
        [datetime(2026, 11, 2), 4, 0],
        [datetime(2026, 11, 3), "—", 2],
    ]


def test_an_empty_report_still_makes_a_workbook_and_a_pdf() -> None:
    report = Report("agents", "Agents", Period(date(2026, 1, 1), date(2026, 1, 1)), ReportFilters())
    book = openpyxl.load_workbook(io.BytesIO(render.report_xlsx(report)))
    assert book.sheetnames == ["Summary"]
    assert render.report_pdf(report).startswith(b"%PDF")


def test_sheet_names_are_made_valid_and_unique() -> None:
    report = sample_report()
    report.tables = [
        Table("a", "a/b: [x]?", [Column("n", "n")], [{"n": 1}]),
        Table("b", "a/b: [x]?", [Column("n", "n")], [{"n": 2}]),
        Table("c", "x" * 40, [Column("n", "n")], [{"n": 3}]),
    ]
    report.series = []
    names = openpyxl.load_workbook(io.BytesIO(render.report_xlsx(report))).sheetnames
    assert names == ["Summary", "a b   x", "a b   x (2)", "x" * 28]


def pdf_text(content: bytes) -> str:
    """The text shown in a PDF made by reportlab: its (deflated) content streams' strings,
    decoded as the CID font (UCS-2) or the TrueType subset would show them."""
    shown: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):  # reportlab's ASCII85 over Flate
            data = zlib.decompress(base64.a85decode(data[:-2]))
        for raw in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", data, re.S):
            literal = re.sub(rb"\\([()\\])", rb"\1", raw)
            literal = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), literal)
            shown.append(literal.decode("utf-16-be", "replace"))
    return "\n".join(shown)


@pytest.fixture
def cid_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render with the built-in CID font, whose text (UCS-2) the test can read back."""
    pdfmetrics.registerFont(UnicodeCIDFont(render.CID_FONT))
    monkeypatch.setattr(render, "pdf_font", lambda: render.CID_FONT)


def test_the_pdf_shows_title_period_filters_stats_tables_and_charts(cid_font: None) -> None:
    content = render.report_pdf(sample_report())
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in [
        "服务台概览 Desk overview",
        "2026-11-01 – 2026-11-30",
        "team=3, priority=high",
        "新建工单 Created",
        "+20.0%",
        "1:30",  # 5400 s as h:mm
        "92.5%",
        "1,234.50",
        "按团队 By team",
        "IT 运维",
        "2:00",
        "渠道 Channels",
        "60.0%",
        "每日新建 Created per day",
        "2026-11-03",
    ]:
        assert expected in text, expected
    assert b"/BaseFont /STSong-Light" in content


def test_an_installed_truetype_cjk_font_is_embedded() -> None:
    if not any(Path(p).exists() for p in render.CJK_TRUETYPE_FONTS):
        pytest.skip("no TrueType CJK font installed (Debian: fonts-wqy-microhei)")
    content = render.report_pdf(sample_report())
    assert render.pdf_font() == "GongdanCJK"
    assert b"/FontFile2" in content  # the glyphs travel with the file


# --- reports_export: the API operation ---------------------------------------------------------
@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``report_build`` answers the sample report; the calls it got are recorded."""
    calls: list[dict[str, Any]] = []

    def fake(**kwargs: Any) -> Report:
        calls.append(kwargs)
        return sample_report()

    monkeypatch.setattr(report_files, "report_build", fake)
    return calls


@pytest.mark.django_db
def test_reports_export_answers_the_report_as_xlsx(
    api: Api, world: World, built: list[dict[str, Any]]
) -> None:
    answer = api.as_(world.supervisor).get(
        "/reports/export?name=agents&period=custom&start=2026-11-01&end=2026-11-30"
        f"&format=xlsx&team={world.it_team.pk}&priority=high"
    )
    assert answer.status_code == 200, answer.content
    assert answer["Content-Disposition"] == 'attachment; filename="agents-20261101-20261130.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames[0] == "Summary"
    (call,) = built
    assert (call["user"], call["name"], call["period"]) == (
        world.supervisor,
        "agents",
        Period(date(2026, 11, 1), date(2026, 11, 30)),
    )
    assert call["filters"] == ReportFilters(team=world.it_team.pk, priority="high")


@pytest.mark.django_db
def test_reports_export_answers_a_pdf_to_a_post(
    api: Api, world: World, built: list[dict[str, Any]]
) -> None:
    answer = api.as_(world.agent).post("/reports/export?format=pdf&period=7d")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert built[0]["name"] == "overview" and built[0]["period"].days == 7


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("name=secret", "report.unknown_report"),
        ("format=docx", "validation_error"),
        ("period=forever", "report.unknown_period"),
        ("period=custom&start=2026-02-01&end=2026-01-01", "report.period_reversed"),
        ("period=custom&start=2020-01-01&end=2026-01-01", "report.period_too_long"),
        ("team=abc", "validation_error"),
    ],
)
def test_reports_export_refuses_bad_input_with_a_code(
    api: Api, world: World, built: list[dict[str, Any]], query: str, code: str
) -> None:
    answer = api.as_(world.supervisor).get(f"/reports/export?{query}")
    assert (answer.status_code, answer.json()["code"]) == (422, code)
    assert built == []


@pytest.mark.django_db
def test_reports_export_needs_a_caller(api: Api, built: list[dict[str, Any]]) -> None:
    assert api.as_(None).get("/reports/export").status_code == 401
