"""The search box in a browser: results appear while typing (htmx), a click opens the ticket."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongdan.testing import PASSWORD
from gongdan.tickets import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_types_in_the_top_bar_and_opens_a_hit_customer_searches_the_portal(
    world, live_server, new_page, shot
) -> None:  # type: ignore[no-untyped-def]
    mine = world.ticket(title="财务部打印机卡纸 Printer jam", description="三楼 HP 打印机一直卡纸")
    theirs = world.ticket(by=world.other_customer, title="打印机缺粉", description="环球的打印机")
    services.comment_create(actor=world.agent, ticket=mine, body="备件已订购", is_internal=True)
    base = live_server.url

    agent = new_page(locale="en-US")
    agent.goto(f"{base}/accounts/login/")
    agent.get_by_label("Login name, email or mobile number").fill("agent")
    agent.get_by_label("Password").fill(PASSWORD)
    agent.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    agent.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on
    agent.goto(f"{base}/desk/tickets/")
    agent.get_by_role("searchbox", name="Search").press_sequentially("打印机 卡纸", delay=30)
    menu = agent.locator("#gd-search-menu .dropdown-menu")
    expect(menu.get_by_text(mine.number)).to_be_visible()
    expect(menu.get_by_text(theirs.number)).to_have_count(0)
    shot(agent, "search-01-desk-menu")
    menu.get_by_role("link", name=re.compile(mine.number)).click()
    expect(agent).to_have_url(re.compile(rf"/desk/tickets/{mine.number}/$"))
    agent.get_by_role("searchbox", name="Search").fill("备件")
    agent.get_by_role("searchbox", name="Search").press("Enter")
    expect(agent).to_have_url(re.compile(r"/desk/search/\?q="))
    expect(agent.locator("#search-results").get_by_text("Internal note")).to_be_visible()
    shot(agent, "search-02-desk-results")

    customer = new_page(locale="zh-CN")
    customer.goto(f"{base}/portal/login/")
    customer.locator("input[name=username]").fill("customer")
    customer.locator("input[name=password]").fill(PASSWORD)
    customer.locator("form button[type=submit]").last.click()
    customer.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on
    customer.goto(f"{base}/portal/search/")
    customer.locator("#id_q").press_sequentially("打印机", delay=30)
    results = customer.locator("#search-results")
    expect(results.get_by_text(mine.number)).to_be_visible()
    expect(results.get_by_text(theirs.number)).to_have_count(0)
    expect(results.get_by_text("备件")).to_have_count(0)
    shot(customer, "search-03-portal-results")
