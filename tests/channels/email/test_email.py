"""Email in and out against real servers: threading, duplicates, poison mail, loops (the corpus
itself runs in test_corpus.py)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongdan.channels.email import intake
from gongdan.channels.email.imap import poll
from gongdan.channels.email.intake import receive, retry
from gongdan.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    MailDomain,
    OutboundMessage,
    Security,
)
from gongdan.channels.email.parse import parse, trim_reply
from gongdan.customers.models import Contact
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Comment, Ticket, TicketWatcher
from tests.channels.email.conftest import Imap, Smtp
from tests.channels.email.corpus import MAILBOX, cases, mail

CORPUS = cases()


def test_gbk_inside_a_gb2312_label_decodes_without_loss() -> None:
    raw = next(c.raw for c in CORPUS if c.name == "gb2312_label_gbk_chars")

    parsed = parse(raw)

    assert parsed.subject == "密码重置：喆" and "王喆" in parsed.text
    assert "\ufffd" not in parsed.text


def test_fetching_again_and_a_second_mailbox_make_no_duplicates(
    mailbox: Mailbox, world: World
) -> None:
    other = Mailbox.objects.create(name="Sales", address="sales@gongdan.test")
    raw = CORPUS[0].raw

    receive(raw, mailbox=mailbox)
    _again, fresh_again = receive(raw, mailbox=mailbox)
    _other, fresh_other = receive(raw, mailbox=other)

    assert not fresh_again and not fresh_other
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_message_without_message_id_is_keyed_by_its_content(mailbox: Mailbox) -> None:
    raw = next(c.raw for c in CORPUS if c.name == "no_message_id")

    message, _ = receive(raw, mailbox=mailbox)
    receive(raw, mailbox=mailbox)

    assert message.message_key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert Ticket.objects.count() == 1


def test_a_sender_domain_places_the_new_contact_in_its_organization(
    mailbox: Mailbox, world: World
) -> None:
    MailDomain.objects.create(domain="acme.example.cn", organization=world.acme)

    message, _ = receive(
        mail(sender="新人 <new.person@acme.example.cn>", subject="你好", body="新联系人", n=900),
        mailbox=mailbox,
    )

    assert message.ticket is not None
    assert message.ticket.requester.organization == world.acme
    assert message.ticket.organization == world.acme


def test_an_organizations_own_email_domains_place_the_new_contact_too(
    mailbox: Mailbox, world: World
) -> None:
    world.acme.email_domains = "acme-group.example.cn, @Acme-Shop.example.cn"
    world.acme.save()

    shop, _ = receive(
        mail(sender="店员 <clerk@acme-shop.example.cn>", subject="你好", body="门店", n=901),
        mailbox=mailbox,
    )
    # A domain that merely contains a listed one is not it.
    other, _ = receive(
        mail(sender="x <x@roup.example.cn>", subject="你好", body="别家", n=902),
        mailbox=mailbox,
    )

    assert shop.ticket is not None and shop.ticket.organization == world.acme
    assert other.ticket is not None and other.ticket.organization is None


def test_cc_addresses_become_watchers_but_never_our_own(mailbox: Mailbox) -> None:
    raw = next(c.raw for c in CORPUS if c.name == "cc_watchers")

    message, _ = receive(raw, mailbox=mailbox)

    watchers = TicketWatcher.objects.filter(ticket=message.ticket)
    assert [w.contact.email for w in watchers] == ["manager@huaxin.example.cn"]


def test_a_reply_by_subject_number_from_the_requester_is_a_comment(
    mailbox: Mailbox, world: World
) -> None:
    first, _ = receive(CORPUS[0].raw, mailbox=mailbox)
    ticket = first.ticket
    assert ticket is not None
    reply = mail(
        sender="张伟 <zhang.wei@huaxin.example.cn>",
        subject=f"回复：[{ticket.number}] {ticket.title}",
        body="重启后还是不行。\n\n在 2026年11月23日 09:01，support 写道：\n> 请重启打印机",
        n=901,
    )

    second, _ = receive(reply, mailbox=mailbox)

    assert second.status == InboundStatus.REPLY and second.ticket == ticket
    comment = Comment.objects.get(ticket=ticket)
    assert comment.body == "重启后还是不行。" and not comment.is_internal
    assert comment.author == ticket.requester.user
    assert Ticket.objects.count() == 1


def test_a_stranger_quoting_a_ticket_number_gets_their_own_ticket(mailbox: Mailbox) -> None:
    first, _ = receive(CORPUS[0].raw, mailbox=mailbox)
    assert first.ticket is not None
    forged = mail(
        sender="陌生人 <stranger@evil.example.com>",
        subject=f"Re: [{first.ticket.number}] 打印机",
        body="把工单改成已解决",
        n=902,
    )

    message, _ = receive(forged, mailbox=mailbox)

    assert message.status == InboundStatus.TICKET and message.ticket != first.ticket
    assert not Comment.objects.filter(ticket=first.ticket).exists()


def test_a_reply_to_a_closed_ticket_opens_a_new_one(mailbox: Mailbox, world: World) -> None:
    first, _ = receive(CORPUS[0].raw, mailbox=mailbox)
    ticket = first.ticket
    assert ticket is not None
    ticket = services.ticket_transition(
        actor=world.agent, ticket=ticket, to=Status.CANCELLED, comment="duplicate"
    )
    reply = mail(
        sender="张伟 <zhang.wei@huaxin.example.cn>",
        subject=f"Re: [{ticket.number}] {ticket.title}",
        body="又坏了",
        n=903,
    )

    message, _ = receive(reply, mailbox=mailbox)

    assert message.status == InboundStatus.TICKET and message.ticket != ticket


def test_a_poison_message_is_quarantined_the_rest_flow_and_retry_works(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = intake.ticket_create

    def broken(**kwargs: Any) -> Ticket:
        if "poison" in kwargs["title"]:
            raise RuntimeError("a bug met this message")
        return real(**kwargs)

    monkeypatch.setattr(intake, "ticket_create", broken)
    poison, _ = receive(
        mail(sender="a <a@huaxin.example.cn>", subject="poison", body="x", n=904), mailbox=mailbox
    )
    fine, _ = receive(CORPUS[1].raw, mailbox=mailbox)

    assert poison.status == InboundStatus.QUARANTINED and "a bug met this message" in poison.error
    assert fine.status == InboundStatus.TICKET
    assert Ticket.objects.count() == 1  # the poison left nothing half-written

    monkeypatch.setattr(intake, "ticket_create", real)  # the fix is deployed
    retry(poison)

    assert poison.status == InboundStatus.TICKET and poison.attempts == 2
    assert Ticket.objects.count() == 2


def test_a_sender_over_the_hourly_limit_is_ignored(mailbox: Mailbox, settings: Any) -> None:
    settings.GONGDAN_MAIL_SENDER_LIMIT_PER_HOUR = 3
    results = [
        receive(
            mail(sender="刷屏 <flood@huaxin.example.cn>", subject=f"第{i}封", body="x", n=910 + i),
            mailbox=mailbox,
        )[0]
        for i in range(5)
    ]

    assert [m.status for m in results] == ["ticket"] * 3 + ["ignored"] * 2
    assert results[-1].reason == "rate_limited"


def test_reply_trimming_keeps_the_new_text() -> None:
    outlook = "好的，已收到。\n\n________________________________\n发件人: support\n主题: 工单"
    gmail = (
        "Works now, thanks!\n\nOn Mon, Nov 23, 2026 at 9:00 AM support <s@x.cn> wrote:\n> try again"
    )
    quoted_only = "> only a quote"

    assert trim_reply(outlook) == "好的，已收到。"
    assert trim_reply(gmail) == "Works now, thanks!"
    assert trim_reply(quoted_only) == "> only a quote"  # never trimmed to nothing


# --- the inbound endpoint (MTA pipe) -----------------------------------------------------------


def test_the_inbound_endpoint_needs_the_mailbox_secret(mailbox: Mailbox) -> None:
    mailbox.secret_hash = hashlib.sha256(b"pipe-secret").hexdigest()
    mailbox.save()
    url = f"/channels/email/inbound/{mailbox.pk}/"
    client = Client()

    anonymous = client.post(url, CORPUS[0].raw, content_type="message/rfc822")
    wrong = client.post(
        url, CORPUS[0].raw, content_type="message/rfc822", headers={"Authorization": "Bearer no"}
    )
    good = client.post(
        url,
        CORPUS[0].raw,
        content_type="message/rfc822",
        headers={"Authorization": "Bearer pipe-secret"},
    )
    again = client.post(
        url,
        CORPUS[0].raw,
        content_type="message/rfc822",
        headers={"Authorization": "Bearer pipe-secret"},
    )

    assert anonymous.status_code == wrong.status_code == 401
    assert wrong.json()["code"] == "auth.invalid_secret"
    assert good.status_code == 202 and good.json()["status"] == "ticket"
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Ticket.objects.count() == 1


# --- IMAP (a real Dovecot) -----------------------------------------------------------------------


def test_imap_poll_creates_tickets_once_even_when_read_again_from_the_start(
    dovecot: Imap, world: World
) -> None:
    mailbox = Mailbox.objects.create(
        name="Support",
        address=MAILBOX,
        team=world.it_team,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security=Security.NONE,
        imap_username=dovecot.user,
        imap_password=dovecot.password,
    )
    new_requests = [c.raw for c in CORPUS if c.expect == "ticket"][:6]
    dovecot.append(*new_requests[:4])

    assert poll(mailbox) == 4
    dovecot.append(*new_requests[4:])
    mailbox.refresh_from_db()
    assert poll(mailbox) == 2
    mailbox.refresh_from_db()
    assert poll(mailbox) == 0

    mailbox.uid_validity = 1  # the server says the folder was rebuilt: read it all again
    mailbox.save()
    assert poll(mailbox) == 0
    assert Ticket.objects.count() == 6
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 6 and mailbox.last_error == ""


def test_a_wrong_imap_password_is_kept_on_the_mailbox(dovecot: Imap, world: World) -> None:
    from gongdan.channels.email.tasks import poll_mailbox

    mailbox = Mailbox.objects.create(
        name="Support",
        address=MAILBOX,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security=Security.NONE,
        imap_username=dovecot.user,
        imap_password="wrong",
    )

    poll_mailbox.call_local(mailbox.pk)

    mailbox.refresh_from_db()
    assert "error" in mailbox.last_error.lower() or "fail" in mailbox.last_error.lower()


# --- SMTP out (a real aiosmtpd) and threading back in --------------------------------------------


def test_mail_round_trip_threads_by_message_id(
    smtp: Smtp, mailbox: Mailbox, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = receive(CORPUS[0].raw, mailbox=mailbox)
    ticket = first.ticket
    assert ticket is not None
    received = smtp.to("zhang.wei@huaxin.example.cn")
    assert len(received) == 1  # "we received your request" with the number and the lookup link
    assert received[0]["Subject"] == f"[{ticket.number}] {ticket.title}"
    assert "/portal/lookup/" in received[0].get_content()
    assert received[0]["In-Reply-To"] == "<1@mail.example.cn>"
    assert received[0]["Auto-Submitted"] == "auto-generated"

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=world.agent, ticket=ticket, body="请重启打印机后再试。")
    reply_mail = smtp.to("zhang.wei@huaxin.example.cn")[-1]
    assert "请重启打印机后再试。" in reply_mail.get_content()
    ours = reply_mail["Message-ID"]
    assert OutboundMessage.objects.filter(message_id=ours, ticket=ticket, sent_at__isnull=False)
    assert "<1@mail.example.cn>" in reply_mail["References"]

    answer = mail(
        sender="张伟 <zhang.wei@huaxin.example.cn>",
        subject="Re: 打印机",  # no number: the headers alone find the ticket
        body="重启后好了，谢谢！\n\nOn Mon, Nov 23, 2026 support wrote:\n> 请重启打印机后再试。",
        headers=f"In-Reply-To: {ours}\nReferences: <1@mail.example.cn> {ours}\n",
        n=950,
    )
    message, _ = receive(answer, mailbox=mailbox)

    assert message.status == InboundStatus.REPLY and message.ticket == ticket
    assert Comment.objects.filter(ticket=ticket).last().body == "重启后好了，谢谢！"  # type: ignore[union-attr]


def test_an_auto_reply_ping_pong_between_two_installations_ends(
    smtp: Smtp, mailbox: Mailbox, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Our notification reaches another gongdan's mailbox: it is automatic, so that installation
    ignores it (and this one ignores the other's notifications the same way)."""
    with django_capture_on_commit_callbacks(execute=True):
        receive(CORPUS[0].raw, mailbox=mailbox)
    ours = smtp.raws[-1]
    other = Mailbox.objects.create(name="Other desk", address="desk@other.example.cn")
    echoed = ours.replace(b"zhang.wei@huaxin.example.cn", b"desk@other.example.cn")

    message, _ = receive(echoed, mailbox=other)

    assert message.status == InboundStatus.IGNORED
    assert message.reason in {"auto_submitted", "own_address"}
    assert Ticket.objects.count() == 1


def test_staff_replying_by_mail_write_a_public_reply(mailbox: Mailbox, world: World) -> None:
    first, _ = receive(CORPUS[0].raw, mailbox=mailbox)
    ticket = first.ticket
    assert ticket is not None
    by_agent = mail(
        sender=f"agent <{world.agent.email}>",
        subject=f"Re: [{ticket.number}] {ticket.title}",
        body="已安排上门。",
        n=960,
    )
    stray = mail(sender=f"agent <{world.agent.email}>", subject="随便写写", body="x", n=961)

    message, _ = receive(by_agent, mailbox=mailbox)
    ignored, _ = receive(stray, mailbox=mailbox)

    assert message.status == InboundStatus.REPLY
    comment = Comment.objects.get(ticket=ticket)
    assert comment.author == world.agent and not comment.is_internal
    assert (ignored.status, ignored.reason) == ("quarantined", "staff_without_ticket")


def test_a_customer_with_a_portal_login_acts_as_that_login(mailbox: Mailbox, world: World) -> None:
    message, _ = receive(
        mail(sender=f"customer <{world.customer.email}>", subject="从邮件来", body="x", n=970),
        mailbox=mailbox,
    )

    assert message.ticket is not None
    assert message.ticket.requester == Contact.objects.get(user=world.customer)
    assert message.ticket.created_by == world.customer


def test_outsiders_cannot_see_mailboxes_in_the_admin(world: World, mailbox: Mailbox) -> None:
    for user in (world.agent, world.customer):
        response = world.client_for(user).get("/admin/email_channel/mailbox/")
        assert response.status_code in (302, 403)
    assert timezone.now()


def test_a_portal_lookup_code_for_an_email_address_is_mailed_and_not_logged(
    smtp: Smtp,
    world: World,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import logging

    from gongdan.tickets.services.lookup import lookup_code_request

    settings.GONGDAN_EMAIL_ENABLED = True
    ticket = world.ticket()

    with (
        caplog.at_level(logging.INFO, logger="gongdan.tickets.services.lookup"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lookup_code_request(number=ticket.number, address=world.customer.email)

    sent = smtp.to(world.customer.email)
    assert len(sent) == 1 and ticket.number in str(sent[0]["Subject"])
    found = re.search(r"(\d{6})$", str(sent[0]["Subject"]))
    assert found is not None
    code = found.group(1)
    assert code in sent[0].get_content()
    assert code not in caplog.text  # the code travels by mail only
