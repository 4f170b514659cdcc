"""Defect 10 of issue 12: mail that broke intake. A malformed Message-ID answered 500, uuencoded
files were quarantined as ValidationFailed, an encoded display name with a comma was dropped as
``no_sender``. Now any failure while parsing quarantines the raw message, and a person's mail is
never dropped silently: it becomes a ticket, a reply or a quarantined message an admin sees."""

from __future__ import annotations

import binascii
import hashlib
import json
import random
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongdan.channels.email import intake
from gongdan.channels.email.decode import decode_bytes, decode_words
from gongdan.channels.email.intake import receive, retry
from gongdan.channels.email.models import InboundMessage, InboundStatus, Mailbox
from gongdan.channels.email.parse import BODY_MAX, ParsedMail, parse
from gongdan.testing import World
from gongdan.tickets.models import Ticket
from tests.channels.email.corpus import MAILBOX

SECRET = "pipe-secret"
MAIL = Path(__file__).parent / "mail"


@pytest.fixture
def box(world: World) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address=MAILBOX,
        team=world.it_team,
        ticket_type=world.incident,
        secret_hash=hashlib.sha256(SECRET.encode()).hexdigest(),
    )


def _pipe(box: Mailbox, raw: bytes) -> tuple[int, dict[str, object]]:
    response = Client(raise_request_exception=False).post(
        f"/channels/email/inbound/{box.pk}/",
        raw,
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    body = json.loads(response.content) if response["Content-Type"] == "application/json" else {}
    return response.status_code, body


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def test_an_outlook_message_with_a_malformed_message_id_becomes_a_ticket_not_a_500(
    box: Mailbox,
) -> None:
    # Given Outlook's Message-ID that makes the standard library's header parser raise IndexError
    raw = _crlf(
        "From: Tom Baker <tom.baker@globex.example.com>\nTo: support@gongdan.test\n"
        "Subject: Laptop will not boot\nMessage-ID: <[4f2a9c]@DB9PR04MB8107.outlook.com>\n"
        "In-Reply-To: <>\nX-Mailer: Microsoft Outlook 16.0\n\nBlack screen after the update.\n"
    )

    # When an MTA pipes it to the inbound endpoint
    status, body = _pipe(box, raw)

    # Then it is accepted and becomes a ticket, keyed by its (odd) Message-ID
    assert status == 202 and (body["status"], body["reason"]) == ("ticket", "")
    message = InboundMessage.objects.get()
    assert message.message_key == "<[4f2a9c]@DB9PR04MB8107.outlook.com>"
    assert message.ticket is not None and message.ticket.title == "Laptop will not boot"


@pytest.mark.parametrize(
    "sender",
    [
        "=?utf-8?q?M=C3=BCller=2C_Bernd?= <b.mueller@example.de>",
        '"Müller, Bernd" <b.mueller@example.de>',
        "=?utf-8?B?TcO8bGxlciwgQmVybmQ=?= <b.mueller@example.de>",
    ],
)
def test_a_sender_whose_display_name_holds_a_comma_gets_a_ticket(box: Mailbox, sender: str) -> None:
    raw = _crlf(
        f"From: {sender}\nTo: support@gongdan.test\nSubject: Drucker defekt\n"
        "Message-ID: <comma@example.de>\nContent-Type: text/plain; charset=utf-8\n\nDer Drucker.\n"
    )

    message, _fresh = receive(raw, mailbox=box)

    assert (message.status, message.reason, message.sender) == (
        "ticket",
        "",
        "b.mueller@example.de",
    )
    assert message.ticket is not None
    assert message.ticket.requester.name == "Müller, Bernd"
    assert message.ticket.requester.email == "b.mueller@example.de"


def test_a_large_uuencoded_file_in_the_body_becomes_an_attachment(box: Mailbox) -> None:
    # Given a body whose uuencoded PDF alone is longer than a ticket's text may be
    data = b"%PDF-1.4\n" + bytes(range(256)) * 160
    lines = [
        binascii.b2a_uu(data[i : i + 45]).decode().rstrip("\n") for i in range(0, len(data), 45)
    ]
    block = "\n".join(["begin 644 manual.pdf", *lines, "`", "end"])
    assert len(block) > 50_000
    raw = _crlf(
        "From: Old Client <old@legacy.example.com>\nTo: support@gongdan.test\n"
        f"Subject: Scanned manual\nMessage-ID: <uu@legacy.example.com>\n\nAttached.\n\n{block}\n"
    )

    message, _fresh = receive(raw, mailbox=box)

    assert (message.status, message.reason) == ("ticket", ""), message.error
    assert message.ticket is not None
    assert message.ticket.description == "Attached."
    attachment = message.ticket.attachments.get()
    assert attachment.name == "manual.pdf" and attachment.file.read() == data


def test_any_exception_while_parsing_quarantines_the_raw_message_for_an_admin(
    box: Mailbox, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a parser bug that meets one message
    real = intake.parse

    def broken(raw: bytes) -> ParsedMail:
        raise IndexError("list index out of range")

    monkeypatch.setattr(intake, "parse", broken)
    raw = _crlf("From: a <a@x.example.cn>\nTo: support@gongdan.test\nSubject: x\n\nhello\n")

    # When it is piped in (twice, as an MTA retrying would)
    status, body = _pipe(box, raw)
    again, _body = _pipe(box, raw)

    # Then it is stored once, quarantined with the reason and the traceback, never a 500
    assert status == 202 and (body["status"], body["reason"]) == ("quarantined", "parse_error")
    assert again == 200
    message = InboundMessage.objects.get()
    assert bytes(message.raw) == raw
    assert message.message_key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert "IndexError" in message.error
    # and an admin sees it in the quarantine list
    page = world.client_for(world.admin).get("/desk/channels/mail/")
    assert [m.pk for m in page.context["rows"]] == [message.pk]
    assert "Could not be parsed" in page.content.decode()

    # When the fix is deployed and the admin retries it, it becomes a ticket
    monkeypatch.setattr(intake, "parse", real)
    retry(message)
    assert message.status == InboundStatus.TICKET and Ticket.objects.count() == 1


def test_mail_without_any_sender_is_quarantined_where_an_admin_sees_it(
    box: Mailbox, world: World
) -> None:
    raw = _crlf("To: support@gongdan.test\nSubject: Wer bin ich\nMessage-ID: <x@y>\n\nhello\n")

    status, body = _pipe(box, raw)

    assert status == 202 and (body["status"], body["reason"]) == ("quarantined", "no_sender")
    page = world.client_for(world.admin).get("/desk/channels/mail/")
    assert [m.subject for m in page.context["rows"]] == ["Wer bin ich"]
    assert "No sender address" in page.content.decode()
    assert Ticket.objects.count() == 0


def test_automatic_mail_is_suppressed_with_a_reason_admins_see(box: Mailbox, world: World) -> None:
    raw = _crlf(
        "From: Ruth <ruth@globex.example.com>\nTo: support@gongdan.test\n"
        "Subject: Automatic reply: Scanner\nAuto-Submitted: auto-replied\n\nAway.\n"
    )

    message, _fresh = receive(raw, mailbox=box)
    page = world.client_for(world.admin).get("/desk/channels/mail/?status=ignored")

    assert (message.status, message.reason) == ("ignored", "auto_submitted")
    assert [m.pk for m in page.context["rows"]] == [message.pk]
    assert "Automatic message (Auto-Submitted)" in page.content.decode()


def test_a_huge_body_is_cut_with_a_note_and_the_full_text_attached(box: Mailbox) -> None:
    text = "第{}行：数据库连接超时。\n"
    body = "".join(text.format(i) for i in range(6000))
    raw = (
        _crlf(
            "From: logs <logs@huaxin.example.cn>\nTo: support@gongdan.test\nSubject: Log\n"
            "Message-ID: <huge@x>\nContent-Type: text/plain; charset=utf-8\n\n"
        )
        + body.replace("\n", "\r\n").encode()
    )

    message, _fresh = receive(raw, mailbox=box)

    assert message.status == "ticket", message.error
    ticket = message.ticket
    assert ticket is not None
    assert ticket.description.startswith("第0行：数据库连接超时。")
    assert f"The text was cut at {BODY_MAX} characters" in ticket.description
    full = ticket.attachments.get(name="message-full-text.txt")
    assert full.file.read().decode() == body.strip()


def test_the_endpoint_answers_503_when_the_message_cannot_be_stored(
    box: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(raw: bytes, *, mailbox: Mailbox | None) -> None:
        raise OSError("database is gone")

    monkeypatch.setattr("gongdan.channels.email.views.receive", down)

    status, body = _pipe(box, b"From: a@b.example\r\n\r\nx")

    assert status == 503 and body["code"] == "mail.unavailable"  # the MTA keeps it and retries


@pytest.mark.parametrize(
    ("charset", "data", "text"),
    [
        ("gb2312", "喆".encode("gbk"), "喆"),
        ("big5", "嘅".encode("big5hkscs"), "嘅"),
        ("utf-8", "中文".encode("gbk"), "中文"),
        ("x-unknown", "中文".encode(), "中文"),
        ("rot13", b"plain", "plain"),
        ("zlib", b"plain", "plain"),
        ("undefined", b"plain", "plain"),
        ("", "Café au lait".encode("cp1252"), "Café au lait"),  # not UTF-8, not GB, not Big5
    ],
)
def test_decoding_falls_back_instead_of_failing(charset: str, data: bytes, text: str) -> None:
    assert decode_bytes(data, charset) == text


def test_a_character_split_across_two_encoded_words_is_joined() -> None:
    data = "网".encode("gbk")
    words = "=?GBK?B?" + "?= =?GBK?B?".join(
        __import__("base64").b64encode(data[i : i + 1]).decode() for i in range(2)
    )

    assert decode_words(words + "?=") == "网"


CORPUS = sorted(MAIL.glob("*.eml"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=len(CORPUS) - 1),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=8)), max_size=6),
    seed=st.integers(0, 2**16),
)
def test_parse_never_raises_on_mangled_corpus_mail(
    index: int, cuts: list[tuple[int, bytes]], seed: int
) -> None:
    raw = bytearray(CORPUS[index].read_bytes()[:20_000])
    for position, junk in cuts:  # bytes replaced, lines cut, headers broken
        at = position % (len(raw) + 1)
        raw[at : at + random.Random(seed).randint(0, 40)] = junk

    parsed = parse(bytes(raw))

    assert isinstance(parsed.text, str) and "\x00" not in parsed.text + parsed.subject
    assert len(parsed.text) <= BODY_MAX and len(parsed.message_id) <= 255


def test_a_mangled_uuencoded_block_does_not_fail_the_message() -> None:
    # Found by mutating the corpus: a non-ASCII line inside begin … end made a2b_uu raise.
    raw = (
        "From: a <a@x.example.cn>\r\nSubject: uu\r\n\r\n"
        "file:\r\nbegin 644 a.txt\r\n中文\r\n#86)C\r\nend\r\n"
    )

    parsed = parse(raw.encode())

    assert parsed.text == "file:"
    assert [(f.name, f.data) for f in parsed.files] == [("a.txt", b"abc")]
