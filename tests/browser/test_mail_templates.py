"""An administrator edits a mail template in a real browser and sees the preview (htmx)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from gongdan.channels.email.models import MailTemplate
from gongdan.testing import PASSWORD


def live_server_site() -> str:
    from django.conf import settings

    return str(settings.SITE_URL)


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on


def test_an_admin_edits_a_template_and_sees_its_preview(world, live_server, new_page, shot) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    page = new_page(locale="en-US")
    _sign_in(page, base, "admin")

    page.goto(f"{base}/desk/tickets/")
    page.get_by_role("link", name="Settings", exact=True).click()  # the sidebar → the index
    page.get_by_test_id("settings-mail_templates").click()
    expect(page).to_have_url(re.compile(r"/desk/settings/mail-templates/$"))
    shot(page, "mail-templates-01-list")
    page.locator('a[href$="/ticket.staff_replied/en/"]').click()
    expect(page.get_by_test_id("preview-subject")).to_contain_text("GD-20261130-0042")

    editor_url = page.url
    page.get_by_label("Subject").fill("Reply on {ticket.number}: {ticket.owner}")
    page.get_by_test_id("preview-button").click()
    preview = page.get_by_test_id("mail-preview")
    expect(preview).to_contain_text("Unknown placeholder: {ticket.owner}")

    page.get_by_label("Subject").fill("Reply on [{ticket.number}]")
    page.get_by_label("Plain-text body").fill("Dear {recipient.name},\n\n{reply.body}\n\n{link}")
    page.get_by_test_id("preview-button").click()
    expect(page.get_by_test_id("preview-subject")).to_have_text("Reply on [GD-20261130-0042]")
    expect(page.get_by_test_id("preview-text")).to_have_text(
        "Dear Li Na (sample),\n\nPlease restart the printer and try again.\n\n"
        f"{live_server_site()}/portal/tickets/GD-20261130-0042/"
    )
    assert page.url == editor_url  # the preview came by htmx; nothing was saved
    assert not MailTemplate.objects.exists()
    shot(page, "mail-templates-02-preview")

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Mail template saved.")).to_be_visible()
    saved = MailTemplate.objects.get()
    assert (saved.key, saved.language, saved.subject) == (
        "ticket.staff_replied",
        "en",
        "Reply on [{ticket.number}]",
    )

    page.get_by_test_id("reset").click()
    expect(page.get_by_text("The mail template is back to the default.")).to_be_visible()
    assert not MailTemplate.objects.exists()
