"""The report pages under /desk/reports/: who sees which figures, drill-down links, bad input,
the query cost of the overview."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from gongdan.audit.models import AuditEvent
from gongdan.testing import World
from tests.reports.clock import Desk

PAGES = [
    "/desk/reports/",
    "/desk/reports/agents/",
    "/desk/reports/stages/",
    "/desk/reports/insight/",
    "/desk/reports/trends/",
    "/desk/reports/cost/",
]


def _stat(html: str, key: str) -> str:
    """The headline figure ``key`` as shown (its link text, or the text)."""
    match = re.search(
        rf'data-stat="{key}">.*?<div class="fs-4 fw-semibold">(?:<a href="([^"]*)"[^>]*>)?([^<]*)<',
        html,
        re.S,
    )
    assert match is not None, key
    return match.group(2)


def _stat_link(html: str, key: str) -> str:
    match = re.search(rf'data-stat="{key}">.*?<a href="([^"]*)"', html, re.S)
    assert match is not None, key
    return match.group(1).replace("&amp;", "&")


def test_a_supervisor_of_the_whole_desk_sees_every_ticket(world: World, desk: Desk) -> None:
    response = world.client_for(world.supervisor).get("/desk/reports/", desk.query)

    html = response.content.decode()
    assert response.status_code == 200
    assert _stat(html, "created") == "2"
    assert _stat(html, "resolved") == "2"
    assert _stat_link(html, "created") == (
        "/desk/tickets/?created_from=2026-11-01&created_to=2026-11-30&view=all"
    )
    assert "My figures" not in html


def test_a_supervisor_of_one_team_sees_that_teams_figures(world: World, desk: Desk) -> None:
    response = world.client_for(desk.field_lead).get("/desk/reports/", desk.query)

    html = response.content.decode()
    assert _stat(html, "created") == "1"
    team = world.field_team.pk
    assert _stat_link(html, "created") == (
        f"/desk/tickets/?created_from=2026-11-01&created_to=2026-11-30&view=all&team={team}"
    )


def test_an_agent_gets_my_figures(world: World, desk: Desk) -> None:
    response = world.client_for(world.agent).get("/desk/reports/", desk.query)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4 mb-0 me-auto">My figures</h1>' in html
    assert _stat(html, "created") == "1"
    assert f"assignee={world.agent.pk}" in _stat_link(html, "resolved")
    assert 'name="assignee"' not in html  # the reader is always the agent


@pytest.mark.parametrize("url", [*PAGES, "/desk/reports/live/"])
def test_every_page_opens_for_staff(world: World, desk: Desk, url: str) -> None:
    for user in (world.supervisor, desk.field_lead, world.agent):
        response = world.client_for(user).get(url, desk.query)
        assert response.status_code == 200, (user, url)


@pytest.mark.parametrize(
    "url", [*PAGES, "/desk/reports/live/", "/desk/reports/export/?name=overview&format=xlsx"]
)
def test_customers_get_403_and_visitors_sign_in(world: World, url: str) -> None:
    for customer in (world.customer, world.org_admin, world.other_customer):
        assert world.client_for(customer).get(url).status_code == 403

    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "start": "2026-11-30", "end": "2026-11-01"}, "不能早于开始日期"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-11-01"}, "三年"),
        ({"period": "fortnight"}, "fortnight"),
        ({"period": "custom", "start": "2026-11-01"}, "开始和结束日期"),
        ({"channel": "fax"}, "fax"),
        ({"team": "x"}, "x"),
    ],
)
def test_bad_input_is_a_translated_message_with_422(
    world: World, query: dict[str, str], message: str
) -> None:
    client = world.client_for(world.supervisor)

    with translation.override("zh-hans"):
        response = client.get("/desk/reports/", query, headers={"accept-language": "zh-hans"})

    assert response.status_code == 422
    alert = re.search(r'data-testid="report-error">(.*?)</div>', response.content.decode(), re.S)
    assert alert is not None
    assert message in alert.group(1)


def test_trends_take_metric_interval_and_group(world: World, desk: Desk) -> None:
    client = world.client_for(world.supervisor)
    query = desk.query | {"metric": "resolved", "interval": "week", "group_by": "team"}

    html = client.get("/desk/reports/trends/", query).content.decode()
    bad = client.get("/desk/reports/trends/", desk.query | {"metric": "happiness"})

    assert 'id="chart-series"' in html
    week = "2026-11-23"
    it = world.it_team.pk
    assert (
        f"/desk/tickets/?resolved_from={week}&amp;resolved_to=2026-11-29&amp;team={it}&amp;view=all"
        in html
    )
    assert bad.status_code == 422


def test_charts_have_their_data_and_a_table(world: World, desk: Desk) -> None:
    html = world.client_for(world.supervisor).get("/desk/reports/", desk.query).content.decode()

    assert 'src="/static/echarts/echarts.min.js"' in html
    assert 'src="/static/reports/charts.js"' in html
    assert '<script id="chart-5-by_channel" type="application/json">' in html
    assert 'data-chart-source="chart-5-by_channel"' in html
    assert 'data-testid="table-by_channel"' in html
    assert "<script>" not in html  # no inline script (CSP)


def _overview_queries(world: World, query: dict[str, str]) -> int:
    client = world.client_for(world.supervisor)
    client.get("/desk/reports/", query)  # sessions, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/desk/reports/", query).status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_whatever_the_number_of_tickets(
    world: World, desk: Desk
) -> None:
    few = _overview_queries(world, desk.query)
    for i in range(5):
        world.ticket(title=f"more {i}")

    many = _overview_queries(world, desk.query | {"end": "2026-12-31"})

    assert few == many


def test_a_report_shows_units_changes_and_missing_values(world: World, fake_engine: None) -> None:
    html = world.client_for(world.supervisor).get("/desk/reports/").content.decode()

    assert _stat(html, "created") == "12"
    assert _stat(html, "frt_mean") == "1 h 30 min"
    assert _stat(html, "sla_resolution") == "87.5%"
    assert '<span class="gd-change gd-change-up">▲ 20.0%</span> before: 10' in html
    assert '<span class="gd-change gd-change-down">▼ 2.8%</span> before: 90.0%' in html
    assert "before: —" in html  # no previous figure is "—", never 0
    assert '<a href="/desk/tickets/?team=1&amp;status=new&amp;view=all">IT</a>' in html


def test_each_report_downloads_as_excel_and_pdf_with_the_pages_figures(
    world: World, desk: Desk
) -> None:
    client = world.client_for(world.supervisor)
    html = client.get("/desk/reports/", desk.query).content.decode()
    link = re.search(r'data-testid="report-xlsx" href="([^"]*)"', html)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith("/desk/reports/export/?") and "name=overview" in url

    book = client.get(url)

    assert book.status_code == 200
    assert book["Content-Disposition"].startswith('attachment; filename="overview-20261101-')
    sheet = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True).worksheets[0]
    created = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Created"]
    assert created and created[0][1] == 2  # the page's figure (2 created in November)
    pdf = client.get(url.replace("format=xlsx", "format=pdf"))
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    audited = AuditEvent.objects.filter(action="report.downloaded", actor_id=world.supervisor.pk)
    assert [(e.data["name"], e.data["format"]) for e in audited.order_by("id")] == [
        ("overview", "xlsx"),
        ("overview", "pdf"),
    ]


def test_a_download_is_scoped_like_the_page(world: World, desk: Desk) -> None:
    url = "/desk/reports/export/?name=overview&format=xlsx&" + "&".join(
        f"{k}={v}" for k, v in desk.query.items()
    )
    book = world.client_for(desk.field_lead).get(url)
    sheet = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True).worksheets[0]
    created = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Created"]
    assert created[0][1] == 1  # the field team's ticket only
    for customer in (world.customer, world.org_admin):
        assert world.client_for(customer).get(url).status_code == 403


def test_a_download_of_an_unknown_report_or_format_is_a_422(world: World, desk: Desk) -> None:
    client = world.client_for(world.supervisor)
    for query in ("name=secrets&format=xlsx", "name=overview&format=docx"):
        response = client.get(f"/desk/reports/export/?{query}")
        assert response.status_code == 422
        assert 'data-testid="report-error"' in response.content.decode()


def test_the_cost_tab_shows_time_and_cost(world: World, desk: Desk) -> None:
    response = world.client_for(world.supervisor).get("/desk/reports/cost/", desk.query)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page" href="/desk/reports/cost/"' in html
    assert 'data-testid="report-pdf"' in html
