"""A supervisor reads the dashboard in a real browser: changes the period, clicks a bar of the
"by team" chart (ECharts, drawn from the page's JSON), lands on the ticket list behind it, exports
that list to Excel and finds the same tickets in the downloaded workbook."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import openpyxl
from playwright.sync_api import Page, expect

from gongdan.jobs.outbox import dispatch_outbox
from gongdan.testing import PASSWORD, World

CHART = '[data-chart-source="chart-3-by_team"]'


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)


def _bar_centre(page: Page, index: int) -> tuple[float, float]:
    """Where bar ``index`` of the chart's first series is drawn (page coordinates)."""
    page.locator(CHART).scroll_into_view_if_needed()
    box = page.locator(CHART).bounding_box()
    assert box is not None
    x, y = page.evaluate(
        """([selector, index]) => {
            const el = document.querySelector(selector);
            const chart = echarts.getInstanceByDom(el);
            const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(index);
            return [bar.x + bar.width / 2, bar.y + bar.height / 2];
        }""",
        [CHART, index],
    )
    return box["x"] + x, box["y"] + y


def test_a_supervisor_drills_from_a_chart_to_the_ticket_list(  # type: ignore[no-untyped-def]
    world: World, live_server, new_page, shot
) -> None:
    it = [world.ticket(title=f"IT 工单 {i}") for i in range(3)]
    world.ticket(title="现场工单", ticket_type=world.repair)
    dispatch_outbox(max_batches=100)
    base = live_server.url
    page = new_page(locale="en-US")
    _sign_in(page, base, "supervisor")

    page.goto(f"{base}/desk/tickets/")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page).to_have_url(re.compile(r"/desk/reports/$"))
    period = page.get_by_label("Period", exact=True)
    expect(page.get_by_label("From", exact=True)).to_be_hidden()  # only for a custom period
    period.select_option("custom")
    expect(page.get_by_label("From", exact=True)).to_be_visible()
    period.select_option("7d")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=7d"))
    expect(page.locator(f"{CHART} canvas")).to_have_count(1)
    shot(page, "reports-01-overview")

    labels = page.evaluate(
        "s => echarts.getInstanceByDom(document.querySelector(s)).getOption().xAxis[0].data",
        CHART,
    )
    x, y = _bar_centre(page, labels.index(world.it_team.name))
    page.mouse.click(x, y)

    page.wait_for_url(re.compile(r"/desk/tickets/\?"))
    query = parse_qs(urlparse(page.url).query)
    assert query["team"] == [str(world.it_team.pk)]
    assert query["view"] == ["all"]
    numbers = page.locator(".gd-ticket-number").all_inner_texts()
    assert sorted(numbers) == sorted(t.number for t in it)
    shot(page, "reports-02-drilled-list")

    # Export the drilled list: the job runs (tasks are immediate in tests), the exports page
    # offers the file, and the workbook holds exactly the tickets the list showed.
    page.get_by_test_id("export-xlsx").click()
    page.wait_for_url(re.compile(r"/desk/exports/"))
    link = page.get_by_test_id("export-download").first
    expect(link).to_be_visible()
    shot(page, "reports-03-exports")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as file:
        book = openpyxl.load_workbook(io.BytesIO(file.read()), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    column = rows[0].index("Number")
    assert sorted(str(row[column]) for row in rows[1:]) == sorted(numbers)
