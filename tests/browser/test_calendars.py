"""An administrator keeps the China calendar in a real browser: hours, and special days via htmx."""

from __future__ import annotations

import re
from datetime import date, time

from playwright.sync_api import Page, expect

from gongdan.sla.models import BusinessCalendar
from gongdan.sla.seeding import seed_china_calendar
from gongdan.testing import PASSWORD


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on


def test_an_admin_edits_hours_and_special_days(world, live_server, new_page, shot) -> None:  # type: ignore[no-untyped-def]
    china = seed_china_calendar().calendar
    base = live_server.url
    page = new_page(locale="en-US")
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, base, "admin")

    page.goto(f"{base}/desk/tickets/")
    page.get_by_role("link", name="Settings", exact=True).click()  # the sidebar → the index
    page.get_by_test_id("settings-calendars").click()
    expect(page).to_have_url(re.compile(r"/desk/settings/calendars/$"))
    shot(page, "calendars-01-list")
    page.get_by_role("link", name=china.name).click()
    page.get_by_label("Saturday", exact=True).fill("10:00-15:00")
    page.get_by_role("button", name="Save working hours").click()
    expect(page.get_by_text("The working hours were saved.")).to_be_visible()
    shot(page, "calendars-02-detail")
    assert list(china.working_hours.filter(weekday=5).values_list("start", "end")) == [
        (time(10), time(15))
    ]

    page.get_by_role("link", name="Special days", exact=True).click()
    url_before = page.url
    form = page.get_by_test_id("special-day-form")
    form.get_by_label("Date").fill("2026-12-31")
    form.get_by_label("Kind").select_option("half_day")
    form.get_by_label("Name").fill("元旦前夕")
    form.get_by_label("Working hours").fill("09:00-12:00")
    form.get_by_role("button", name="Save").click()
    row = page.locator('tr[data-date="2026-12-31"]')
    expect(row).to_contain_text("09:00–12:00")
    assert page.url == url_before  # swapped in by htmx, no page load
    shot(page, "calendars-03-special-days")

    page.locator('tr[data-date="2026-10-01"]').get_by_role("button", name="Delete").click()
    expect(page.locator('tr[data-date="2026-10-01"]')).to_have_count(0)
    fresh = BusinessCalendar.objects.get(pk=china.pk)
    assert fresh.special_days.filter(date=date(2026, 12, 31), kind="half_day").exists()
    assert not fresh.special_days.filter(date=date(2026, 10, 1)).exists()
