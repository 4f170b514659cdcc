"""Every message of the corpus (tests/channels/email/mail/*.eml) through the real inbound
endpoint, and a sample through a real IMAP server, each checked exactly against manifest.json:
ticket, reply, ignored or quarantined, with its reason, subject, sender and attachment names.

The corpus is written by ``make_corpus.py``; regenerate it with
``PYTHONPATH=src python -m tests.channels.email.make_corpus``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.models import Team
from gongdan.channels.email.imap import poll
from gongdan.channels.email.models import InboundMessage, Mailbox, Security
from gongdan.testing import World
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Comment, Ticket, TicketType
from tests.channels.email.conftest import Imap
from tests.channels.email.corpus import MAILBOX

MAIL = Path(__file__).parent / "mail"
MANIFEST: list[dict[str, Any]] = json.loads((MAIL / "manifest.json").read_text(encoding="utf-8"))
SECRET = "corpus-pipe-secret"


@dataclass
class Desk:
    team: Team
    ticket_type: TicketType
    mailbox: Mailbox


@pytest.fixture
def desk(world: World) -> Desk:
    """What intake needs: the personas' IT team and incident type, and a mailbox."""
    team, ticket_type = world.it_team, world.incident
    mailbox = Mailbox.objects.create(
        name="Support",
        address=MAILBOX,
        team=team,
        ticket_type=ticket_type,
        secret_hash=hashlib.sha256(SECRET.encode()).hexdigest(),
    )
    return Desk(team=team, ticket_type=ticket_type, mailbox=mailbox)


def raw_of(entry: dict[str, Any]) -> bytes:
    return (MAIL / entry["file"]).read_bytes()


def pipe(desk: Desk, raw: bytes) -> InboundMessage:
    response = Client().post(
        f"/channels/email/inbound/{desk.mailbox.pk}/",
        raw,
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert response.status_code == 202, response.content
    body = response.json()
    message = InboundMessage.objects.select_related("ticket").get(pk=body["id"])
    assert (body["status"], body["reason"]) == (message.status, message.reason)
    return message


def check(
    entry: dict[str, Any], message: InboundMessage, desk: Desk, parent: Ticket | None
) -> None:
    """The message met its manifest entry exactly."""
    assert bytes(message.raw) == raw_of(entry)  # never lost: the raw bytes are kept
    assert (message.status, message.reason) == (entry["outcome"], entry["reason"]), message.error
    if entry["outcome"] in {"ignored", "quarantined"}:
        assert message.ticket is None
        assert (message.subject, message.sender) == (entry["subject"], entry["sender"])
        assert Ticket.objects.count() == (1 if parent else 0)
        return
    ticket = message.ticket
    assert ticket is not None and ticket.channel == Channel.EMAIL
    assert ticket.title == entry["subject"]
    assert ticket.requester.email == entry["sender"]
    if entry["outcome"] == "reply":
        assert ticket == parent
        comment = Comment.objects.filter(ticket=ticket).latest("pk")
        text = comment.body
        files = sorted(a.name for a in ticket.attachments.filter(comment=comment))
        assert comment.author == ticket.requester.user
    else:
        assert (ticket.team, ticket.ticket_type) == (desk.team, desk.ticket_type)
        text = ticket.description
        files = sorted(a.name for a in ticket.attachments.all())
        if entry["sender_name"] is not None:
            assert ticket.requester.name == entry["sender_name"]
    assert files == sorted(entry["files"])
    for part in entry["body"]:
        assert part in text
    for part in entry["not_in_body"]:
        assert part not in text
    assert "\ufffd" not in text and "\ufffd" not in ticket.title  # nothing lost to decoding


def test_the_corpus_has_at_least_120_messages_of_every_kind() -> None:
    files = sorted(p.name for p in MAIL.glob("*.eml"))

    assert len(files) >= 120
    assert files == sorted(e["file"] for e in MANIFEST)
    outcomes = {e["outcome"] for e in MANIFEST}
    assert outcomes == {"ticket", "reply", "ignored", "quarantined"}


def test_the_committed_corpus_is_what_the_generator_writes() -> None:
    from tests.channels.email.make_corpus import built

    assert {p.name: p.read_bytes() for p in MAIL.glob("*.eml")} == built()


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"][:-4] for e in MANIFEST])
def test_corpus_message_through_the_inbound_endpoint(entry: dict[str, Any], desk: Desk) -> None:
    parent = None
    if entry["after"]:
        first = pipe(desk, raw_of(next(e for e in MANIFEST if e["file"] == entry["after"])))
        parent = first.ticket
        assert parent is not None

    message = pipe(desk, raw_of(entry))

    check(entry, message, desk, parent)


def test_a_sample_of_the_corpus_through_a_real_imap_server(dovecot: Imap, desk: Desk) -> None:
    sample = [e for e in MANIFEST if e["imap"]]
    assert len(sample) >= 12
    desk.mailbox.imap_host = "127.0.0.1"
    desk.mailbox.imap_port = dovecot.port
    desk.mailbox.imap_security = Security.NONE
    desk.mailbox.imap_username = dovecot.user
    desk.mailbox.imap_password = dovecot.password
    desk.mailbox.save()
    dovecot.append(*(raw_of(e) for e in sample))

    assert poll(desk.mailbox) == len(sample)

    for entry in sample:
        key_source = raw_of(entry)
        message = next(
            m for m in InboundMessage.objects.select_related("ticket") if bytes(m.raw) == key_source
        )
        assert message.mailbox == desk.mailbox
        check(entry, message, desk, None)
