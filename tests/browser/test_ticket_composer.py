"""An agent writes Markdown, previews it (rendered by the server), pastes a screenshot that
becomes an attachment, and sends; the customer panel loads beside the ticket."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from gongdan.testing import PASSWORD
from gongdan.tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

PASTE = """([b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], "image.png", {type: "image/png"}));
  const box = document.querySelector("#ticket-composer textarea[name=body]");
  const init = {clipboardData: data, bubbles: true, cancelable: true};
  box.dispatchEvent(new ClipboardEvent("paste", init));
  return document.querySelector("#ticket-composer input[name=attachments]").files.length;
}"""


def test_agent_previews_markdown_pastes_a_screenshot_and_sends(
    world, live_server, new_page, shot
) -> None:  # type: ignore[no-untyped-def]
    ticket = world.ticket(title="打印机无法打印")
    page = new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("agent")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")

    expect(page.get_by_test_id("customer-panel")).to_be_visible()
    box = page.locator("#ticket-composer textarea[name=body]")
    box.fill("请按以下步骤：\n\n- **重启**打印服务\n- 再试一次")
    page.locator("[data-md-preview]").click()
    preview = page.get_by_test_id("reply-preview")
    expect(preview.locator("strong")).to_have_text("重启")
    expect(preview.locator("li")).to_have_count(2)
    shot(page, "composer-01-preview")

    assert page.evaluate(PASTE, [base64.b64encode(PNG).decode()]) == 1
    expect(page.locator("[data-gd-pasted]")).to_contain_text(
        re.compile(r"screenshot-\d{8}-\d{6}\.png")
    )
    box.press("End")  # typing again hides the stale preview
    box.type("。")
    expect(preview).to_be_empty()

    page.locator("#ticket-composer button[type=submit]").click()
    timeline = page.locator("#ticket-timeline")
    expect(timeline.locator("strong", has_text="重启")).to_be_visible()
    expect(timeline.get_by_role("link", name=re.compile(r"screenshot-.*\.png"))).to_be_visible()
    shot(page, "composer-02-sent")
    assert Attachment.objects.filter(ticket=ticket, name__startswith="screenshot-").count() == 1
