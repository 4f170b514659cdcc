"""A customer types a new ticket's title on the portal, sees a suggested article (htmx, as they
type) and opens it; the open is recorded for the deflection count."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongdan.demo.knowledge import seed_articles
from gongdan.knowledge.models import SuggestionOpen
from gongdan.search.services import search_rebuild
from gongdan.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_customer_sees_a_suggested_article_while_typing_and_opens_it(
    world, live_server, new_page, shot
) -> None:  # type: ignore[no-untyped-def]
    articles = seed_articles(actor=world.supervisor)
    search_rebuild(kinds=["article"])  # the live server's outbox consumer is not running here
    vpn = articles["vpn"]
    base = live_server.url

    page = new_page(locale="zh-CN")
    page.goto(f"{base}/portal/login/")
    page.locator("input[name=username]").fill("customer")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on
    page.goto(f"{base}/portal/tickets/new/")
    page.locator("#id_title").press_sequentially("VPN 连不上", delay=40)
    suggestions = page.locator("#kb-suggestions")
    link = suggestions.get_by_role("link", name=vpn.title)
    expect(link).to_be_visible()
    shot(page, "knowledge-01-portal-suggestions")
    link.click()
    expect(page).to_have_url(re.compile(rf"/portal/kb/{vpn.pk}/\?from=suggest$"))
    expect(page.get_by_role("heading", name=vpn.title)).to_be_visible()
    expect(page.get_by_text("有帮助吗")).to_be_visible()
    shot(page, "knowledge-02-portal-article")
    assert SuggestionOpen.objects.filter(article=vpn, ticket_submitted=False).count() == 1


def test_agent_inserts_a_suggested_article_link_into_the_reply(
    world, live_server, new_page, shot
) -> None:  # type: ignore[no-untyped-def]
    articles = seed_articles(actor=world.supervisor)
    ticket = world.ticket(title="打印机无法打印", description="财务部的打印机卡纸")
    search_rebuild(kinds=["article"])
    printer = articles["printer"]

    page = new_page(locale="en-US")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill("agent")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    panel = page.locator("#ticket-knowledge")
    expect(panel.get_by_role("link", name=printer.title)).to_be_visible()
    panel.get_by_role("button", name="Insert link").first.click()
    box = page.locator("#ticket-composer textarea[name=body]")
    expect(box).to_have_value(re.compile(rf"/portal/kb/{printer.pk}/$"))
    shot(page, "knowledge-03-ticket-panel")
    page.goto(f"{live_server.url}/desk/knowledge/{printer.pk}/")
    expect(page.get_by_role("heading", name=printer.title)).to_be_visible()
    shot(page, "knowledge-04-desk-article")
