"""Quoted mail history is folded; staff text is Markdown, customers' stays plain; the preview."""

from __future__ import annotations

import pytest
from django.test import Client

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.quoting import split_quoted
from gongdan.tickets.rendering import body_html

GMAIL_EN = """Thanks, the printer works again.

On Mon, 7 Dec 2026 at 10:02, Wang Wei <wang.wei@example.com> wrote:
> Please restart the print spooler.
>
> Regards"""

GMAIL_EN_WRAPPED = """Still broken.

On Mon, 7 Dec 2026 at 10:02, Wang Wei via Helpdesk <helpdesk@example.com>
wrote:
> Please restart it."""

GMAIL_ZH = """好的，已经重启了，谢谢！

在 2026年12月7日周一 10:02，王伟 <wang.wei@example.com> 写道：
> 请重启打印服务。
> 谢谢"""

OUTLOOK_EN = """It happens again today.

-----Original Message-----
From: Helpdesk <helpdesk@example.com>
Sent: Monday, December 7, 2026 10:02 AM
To: Li Na <li.na@example.com>
Subject: [GD-20261207-0001] Printer offline

Please restart the print spooler."""

OUTLOOK_ZH = """问题依旧，麻烦再看一下。

发件人: 服务台 <helpdesk@example.com>
发送时间: 2026年12月7日 10:02
收件人: 李娜 <li.na@example.com>
主题: [GD-20261207-0001] 打印机无法打印

请重启打印服务。"""

OUTLOOK_ZH_FULLWIDTH = """收到。

-----原始邮件-----
发件人：服务台
日期：2026-12-07
请重启。"""


@pytest.mark.parametrize(
    ("text", "visible", "starts"),
    [
        (GMAIL_EN, "Thanks, the printer works again.", "On Mon, 7 Dec 2026"),
        (GMAIL_EN_WRAPPED, "Still broken.", "On Mon, 7 Dec 2026"),
        (GMAIL_ZH, "好的，已经重启了，谢谢！", "在 2026年12月7日"),
        (OUTLOOK_EN, "It happens again today.", "-----Original Message-----"),
        (OUTLOOK_ZH, "问题依旧，麻烦再看一下。", "发件人: 服务台"),
        (OUTLOOK_ZH_FULLWIDTH, "收到。", "-----原始邮件-----"),
        ("OK, done.\n\n> did you restart it?\n> and the driver?", "OK, done.", "> did you"),
    ],
)
def test_quoted_history_is_split_off(text: str, visible: str, starts: str) -> None:
    new, quoted = split_quoted(text)

    assert new == visible
    assert quoted.startswith(starts)


@pytest.mark.parametrize(
    "text",
    [
        "No quote at all.\nTwo lines.",
        "> did you restart it?\nYes, twice.\n> and the driver?\nAlso updated.",  # inline answers
        "> only a quote\n> nothing else",  # nothing would be left: shown whole
        "From: the 3rd floor, the printer is broken.",  # a From: line without a header below
        "",
    ],
)
def test_text_without_a_foldable_history_is_left_whole(text: str) -> None:
    assert split_quoted(text) == (text, "")


def test_markdown_is_sanitised_and_keeps_chinese_line_breaks() -> None:
    html = str(
        body_html(
            "**加粗** 文字\n第二行 <script>alert(1)</script> [x](javascript:alert(1))",
            markdown=True,
        )
    )

    assert "<strong>加粗</strong> 文字<br" in html
    assert "第二行" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html


def test_staff_notes_render_markdown_and_customer_mail_stays_plain(world: World) -> None:
    ticket = world.ticket()
    services.comment_create(actor=world.agent, ticket=ticket, body="**重启** the *spooler*")
    services.comment_create(
        actor=world.customer, ticket=ticket, body="**not bold** for customers\n\n" + GMAIL_ZH[8:]
    )
    services.comment_create(actor=world.customer, ticket=ticket, body=GMAIL_ZH)

    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert "<strong>重启</strong> the <em>spooler</em>" in html
    assert "**not bold** for customers" in html
    assert html.count('<details class="gd-quoted">') == 2
    assert "show quoted text" in html
    assert "好的，已经重启了，谢谢！" in html


def _preview(client: Client, body: str):  # type: ignore[no-untyped-def]
    return client.post("/desk/compose/preview/", {"body": body}, headers={"HX-Request": "true"})


def test_preview_renders_like_the_timeline(world: World) -> None:
    response = _preview(world.client_for(world.agent), "- 一\n- 二\n\n`code` <b>x</b>")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<li>一</li>" in html and "<code>code</code>" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_preview_of_a_huge_text_is_a_translated_422(world: World) -> None:
    response = _preview(world.client_for(world.agent), "x" * 50_001)

    assert response.status_code == 422
    assert "too long" in response.content.decode()


def test_preview_is_for_staff_only(world: World) -> None:
    assert _preview(world.client_for(world.customer), "x").status_code == 403
    assert _preview(Client(), "x").status_code == 302
    assert world.client_for(world.agent).get("/desk/compose/preview/").status_code == 405


def test_composer_has_the_toolbar_preview_and_paste_hooks(world: World) -> None:
    ticket = world.ticket()

    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert "data-gd-composer" in html and 'data-md="bold"' in html
    assert 'hx-post="/desk/compose/preview/"' in html
    assert "gongdan/composer.js" in html
    assert 'class="card mb-3 gd-composer"' in html
    assert ' style="' not in html


def test_the_portal_shows_staff_markdown_and_never_a_note(world: World) -> None:
    ticket = world.ticket()
    services.comment_create(actor=world.agent, ticket=ticket, body="请**重启**打印机")
    services.comment_create(
        actor=world.agent, ticket=ticket, body="@other_agent 内部备注", is_internal=True
    )

    html = world.client_for(world.customer).get(f"/portal/tickets/{ticket.number}/").content
    text = html.decode()

    assert "请<strong>重启</strong>打印机" in text
    assert "内部备注" not in text
