"""The workspace shell in a browser: it never wraps or overflows (1280×800 and 390×844, zh-Hans
and en — measured from element boxes), the phone's drawer opens, and the keyboard shortcuts work
(``?`` overlay, ``g t``, ``j``/``k``/Enter, ``r``) but never while typing in a field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

MEASURE = """() => {
  const width = window.innerWidth;
  const bar = document.querySelector('.gd-topbar').getBoundingClientRect();
  const overflow = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.closest('.offcanvas-md:not(.show)') && window.innerWidth < 768) continue;
    if (box.right > width + 0.5) overflow.push((el.id || el.className || el.tagName) + box.right);
  }
  const tops = Array.from(document.querySelector('.gd-topbar').children)
    .map(c => c.getBoundingClientRect()).filter(b => b.width > 0)
    .map(b => Math.round(b.top + b.height / 2));
  const user = document.querySelector('[data-testid=user-menu]').getBoundingClientRect();
  return {
    width, scrollWidth: document.documentElement.scrollWidth, barHeight: bar.height,
    barBottom: bar.bottom, centres: tops, overflow: overflow.slice(0, 5),
    userRight: user.right, userBottom: user.bottom, userWidth: user.width,
  };
}"""


def _signed_in(chromium: Any, live_server: Any, user: Any, *, locale: str, viewport: dict) -> Any:
    client = Client()
    client.force_login(user)
    context = chromium.new_context(locale=locale, viewport=viewport)
    context.set_default_timeout(30_000)  # the machine may be busy
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _collect_errors(errors: list[str]) -> Any:
    def collect(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    return collect


@pytest.fixture
def tickets(world: Any) -> list[Any]:
    return [world.ticket(title=f"打印机卡纸 Printer jam {i}") for i in range(3)]


def test_the_shell_fits_on_desktop_and_phone_in_both_languages(
    world: Any, live_server: Any, chromium: Any, tickets: list[Any], shot: Any
) -> None:
    for locale, viewport in (
        ("zh-CN", DESKTOP),
        ("en-US", DESKTOP),
        ("zh-CN", PHONE),
        ("en-US", PHONE),
    ):
        name = f"{locale}-{viewport['width']}"
        context = _signed_in(
            chromium, live_server, world.supervisor, locale=locale, viewport=viewport
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", _collect_errors(errors))
        page.goto(f"{live_server.url}/desk/tickets/?view=all")
        expect(page.locator("#gd-availability select")).to_be_visible()  # htmx filled it in
        box = page.evaluate(MEASURE)
        assert box["scrollWidth"] <= box["width"], (name, box)
        assert box["overflow"] == [], (name, box)
        assert box["barHeight"] < 64, (name, box)  # one row: 52 px tall
        assert max(box["centres"]) - min(box["centres"]) <= 2, (name, box)  # all on one line
        assert box["userBottom"] <= box["barBottom"] and box["userRight"] <= box["width"], name
        icon = page.locator("[data-section=tickets] svg.gd-icon")
        assert icon.evaluate("el => el.getBBox().width") > 0  # the sprite loaded (same origin)
        sidebar = page.locator("#gd-sidebar")
        tickets_link = sidebar.locator("[data-section=tickets]")
        if viewport is PHONE:
            expect(tickets_link).not_to_be_in_viewport()
            shot(page, f"shell-{name}")
            page.get_by_test_id("drawer-toggle").click()
            expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
            expect(tickets_link).to_be_in_viewport()
            expect(tickets_link).to_have_attribute("aria-current", "page")
            shot(page, f"shell-{name}-drawer")
        else:
            expect(tickets_link).to_be_in_viewport()
            label = "工单" if locale == "zh-CN" else "Tickets"
            expect(tickets_link).to_have_text(label)
            shot(page, f"shell-{name}")
        assert errors == [], (name, errors)  # no CSP refusal, no script error
        context.close()


def test_keyboard_shortcuts(
    world: Any, live_server: Any, chromium: Any, tickets: list[Any]
) -> None:
    context = _signed_in(chromium, live_server, world.supervisor, locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/notifications/")

    # Typing "g t" in the search box types; it does not navigate.
    search = page.get_by_role("searchbox", name="Search")
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("gt")
    expect(search).to_have_value("gt")
    assert page.url.endswith("/notifications/")

    # "?" lists the global shortcuts and leaves out what this page lacks.
    page.locator("main h1").click()
    page.keyboard.press("?")
    overlay = page.locator("#gd-shortcuts")
    expect(overlay).to_be_visible()
    expect(overlay.locator('[data-shortcut-help="g t"]')).to_be_visible()
    expect(overlay.locator('[data-shortcut-help="r"]')).to_be_hidden()
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()

    # "g t" goes to the tickets; "j" selects the first row and Enter opens it.
    page.keyboard.press("g")
    page.keyboard.press("t")
    page.wait_for_url(re.compile(r"/desk/tickets/$"))
    page.goto(f"{base}/desk/tickets/?view=all")
    page.keyboard.press("?")
    expect(overlay.locator('[data-shortcut-help="j"]')).to_be_visible()
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()
    rows = page.locator("#ticket-results tr[data-ticket]")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile("gd-row-focus"))
    second = rows.nth(1).get_attribute("data-ticket")
    third = rows.nth(2).get_attribute("data-ticket")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/desk/tickets/{second}/$"))

    # On the ticket: "r" focuses the reply box, "j" goes to the next ticket of the list.
    page.keyboard.press("r")
    expect(page.locator("#ticket-composer textarea[name=body]")).to_be_focused()
    page.keyboard.type("j")  # typed, not a shortcut
    assert page.url.endswith(f"/desk/tickets/{second}/")
    page.locator("main h1").first.click()
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"/desk/tickets/{third}/$"))
    page.keyboard.press("a")  # not offered here (already assigned or not): nothing breaks
    context.close()


def test_overlay_is_translated(world: Any, live_server: Any, chromium: Any) -> None:
    context = _signed_in(chromium, live_server, world.agent, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/desk/settings/")
    page.locator("main").click()
    page.keyboard.press("?")
    expect(page.locator("#gd-shortcuts-title")).to_have_text("快捷键")
    expect(page.locator('#gd-shortcuts [data-shortcut-help="g t"]')).to_contain_text("转到工单")
    context.close()
