"""reports_export end to end: the engine's figures for the hand-built week, as .xlsx and PDF."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest

from gongdan.reports.filters import ReportFilters
from gongdan.reports.selectors import REPORTS, report_build
from gongdan.testing import Api, World
from tests.reports.clock import mover
from tests.reports.story import WEEK, Story, build_story
from tests.reports.test_render import cid_font, pdf_text

__all__ = ["cid_font"]  # the fixture: PDFs in the CID font, whose text the tests read

pytestmark = pytest.mark.django_db
WEEK_QUERY = "period=custom&start=2026-11-23&end=2026-11-29"


@pytest.fixture
def story(world: World, monkeypatch: pytest.MonkeyPatch) -> Story:
    return build_story(world, mover(monkeypatch))


def expected(value: Any, unit: str) -> Any:
    if value is None:
        return "—"
    return timedelta(seconds=value) if unit == "seconds" else value


def test_the_overview_workbook_holds_the_engines_figures(
    api: Api, world: World, story: Story
) -> None:
    answer = api.as_(world.admin).get(f"/reports/export?name=overview&{WEEK_QUERY}&format=xlsx")
    assert answer.status_code == 200, answer.content
    assert answer["Content-Disposition"] == (
        'attachment; filename="overview-20261123-20261129.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    report = report_build(user=world.admin, name="overview", period=WEEK, filters=ReportFilters())
    assert book.sheetnames[0] == "Summary"
    assert len(book.sheetnames) == 1 + len(report.tables) + len(report.series)
    rows = list(book["Summary"].iter_rows(min_row=7, values_only=True))
    assert len(rows) == len(report.stats)
    for stat, cells in zip(report.stats, rows, strict=True):
        assert cells[0] == str(stat.label)
        got = cells[1]
        want = expected(stat.value, stat.unit)
        if isinstance(want, timedelta):
            assert abs(got - want) < timedelta(seconds=1), stat.key
        else:
            assert got == pytest.approx(want) if isinstance(want, float) else got == want, stat.key
    created = {s.key: s.value for s in report.stats}["created"]
    assert created == 4


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_renders_to_xlsx_and_pdf(
    api: Api, world: World, story: Story, name: str, cid_font: None
) -> None:
    try:
        report = report_build(user=world.admin, name=name, period=WEEK, filters=ReportFilters())
    except NotImplementedError:  # built by another part of the work, not merged here yet
        pytest.skip(f"report {name} is not built on this branch")
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        answer = api.as_(world.admin).get(f"/reports/export?name={name}&{WEEK_QUERY}&format={fmt}")
        assert answer.status_code == 200, (name, fmt, answer.content[:300])
        assert answer.content.startswith(magic)
    text = pdf_text(answer.content)
    assert str(report.title) in text
    for table in report.tables:
        assert str(table.title) in text


def test_an_agent_gets_their_own_figures_only(api: Api, world: World, story: Story) -> None:
    answer = api.as_(world.other_agent).get(f"/reports/export?name=overview&{WEEK_QUERY}")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    mine = report_build(
        user=world.other_agent, name="overview", period=WEEK, filters=ReportFilters()
    )
    cells = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=7, values_only=True)}
    created = next(s for s in mine.stats if s.key == "created")
    assert cells[str(created.label)] == created.value == 1
