"""/desk/channels/mailboxes/ and /desk/channels/mail/: admins set up mailboxes, test them against
a real IMAP server, see received and quarantined mail, retry it, and map mail domains."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongdan.audit.models import AuditEvent
from gongdan.channels.email import intake
from gongdan.channels.email.intake import receive
from gongdan.channels.email.models import (
    InboundMessage,
    InboundStatus,
    Mailbox,
    MailDomain,
    Security,
)
from gongdan.testing import World
from gongdan.tickets.models import Ticket
from tests.channels.email.conftest import Imap
from tests.channels.email.corpus import cases, mail

CORPUS = cases()

FORM = {
    "name": "售后支持",
    "address": "Support@Gongdan.test",
    "is_active": "on",
    "imap_host": "",
    "imap_port": "993",
    "imap_security": "ssl",
    "imap_username": "",
    "imap_password": "",
    "imap_folder": "INBOX",
    "poll_minutes": "2",
}


def _admin(world: World, language: str) -> Client:
    world.admin.language = language
    world.admin.save(update_fields=["language"])
    return world.client_for(world.admin)


def _imap_box(world: World, dovecot: Imap, password: str | None = None) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address="support@gongdan.test",
        team=world.it_team,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security=Security.NONE,
        imap_username=dovecot.user,
        imap_password=password or dovecot.password,
    )


def _poison(box: Mailbox, monkeypatch: pytest.MonkeyPatch, n: int = 1) -> InboundMessage:
    real = intake.ticket_create

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug met this message")

    monkeypatch.setattr(intake, "ticket_create", broken)
    message, _ = receive(
        mail(sender="a <a@x.example.cn>", subject=f"坏 {n}", body="x", n=n), mailbox=box
    )
    monkeypatch.setattr(intake, "ticket_create", real)
    return message


def test_an_admin_adds_a_piped_mailbox_sees_its_secret_once_and_an_mta_can_use_it(
    world: World,
) -> None:
    client = world.client_for(world.admin)
    response = client.post("/desk/channels/mailboxes/new/", {**FORM, "team": world.it_team.pk})
    box = Mailbox.objects.get()
    secret = response.context["secret"]
    html = response.content.decode()

    assert response.status_code == 200 and secret in html
    assert f"/channels/email/inbound/{box.pk}/" in html
    assert (box.address, box.team, box.poll_minutes) == ("support@gongdan.test", world.it_team, 2)
    assert secret not in client.get(f"/desk/channels/mailboxes/{box.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="mailbox.created").count() == 1

    delivered = Client().post(
        f"/channels/email/inbound/{box.pk}/",
        data=CORPUS[0].raw,
        content_type="message/rfc822",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert delivered.status_code in (200, 201, 202)
    assert Ticket.objects.filter(team=world.it_team).count() == 1


def test_a_new_secret_replaces_the_old_one(world: World) -> None:
    client = world.client_for(world.admin)
    first = client.post("/desk/channels/mailboxes/new/", FORM).context["secret"]
    box = Mailbox.objects.get()

    second = client.post(f"/desk/channels/mailboxes/{box.pk}/secret/").context["secret"]

    def deliver(secret: str, n: int) -> int:
        return (
            Client()
            .post(
                f"/channels/email/inbound/{box.pk}/",
                data=mail(sender="c <c@x.example.cn>", subject="s", body="b", n=n),
                content_type="message/rfc822",
                headers={"authorization": f"Bearer {secret}"},
            )
            .status_code
        )

    assert first != second
    assert deliver(first, 1) in (401, 403)
    assert deliver(second, 2) in (200, 201, 202)


def test_the_imap_password_is_never_shown_and_an_empty_field_keeps_it(
    world: World, dovecot: Imap
) -> None:
    box = _imap_box(world, dovecot)
    client = world.client_for(world.admin)

    page = client.get(f"/desk/channels/mailboxes/{box.pk}/").content.decode()
    response = client.post(
        f"/desk/channels/mailboxes/{box.pk}/",
        {
            **FORM,
            "name": "改名",
            "address": box.address,
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_security": "none",
            "imap_username": dovecot.user,
            "imap_password": "",
        },
    )

    box.refresh_from_db()
    assert dovecot.password not in page
    assert response.status_code == 302
    assert (box.name, box.imap_password) == ("改名", dovecot.password)


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(world: World) -> None:
    client = _admin(world, "zh-hans")
    Mailbox.objects.create(name="taken", address="taken@gongdan.test")

    no_user = client.post("/desk/channels/mailboxes/new/", {**FORM, "imap_host": "imap.example.cn"})
    taken = client.post("/desk/channels/mailboxes/new/", {**FORM, "address": "taken@gongdan.test"})
    bad_port = client.post("/desk/channels/mailboxes/new/", {**FORM, "imap_port": "70000"})

    assert no_user.status_code == 200 and "IMAP 邮箱需要用户名" in no_user.content.decode()
    assert taken.status_code == 200 and "已有其他邮箱使用此地址" in taken.content.decode()
    assert bad_port.status_code == 200 and bad_port.context["form"].errors["imap_port"]
    assert list(Mailbox.objects.values_list("name", flat=True)) == ["taken"]


def test_testing_the_connection_against_a_real_imap_server(world: World, dovecot: Imap) -> None:
    dovecot.append(CORPUS[0].raw, CORPUS[1].raw)
    good = _imap_box(world, dovecot)
    bad = Mailbox.objects.create(
        name="Wrong",
        address="wrong@gongdan.test",
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security=Security.NONE,
        imap_username=dovecot.user,
        imap_password="not-the-password",
    )
    client = _admin(world, "en")

    ok = client.post(f"/desk/channels/mailboxes/{good.pk}/check/", follow=True)
    refused = client.post(f"/desk/channels/mailboxes/{bad.pk}/check/", follow=True)

    assert "INBOX holds 2 messages" in ok.content.decode()
    assert "The IMAP server could not be used" in refused.content.decode()
    assert Ticket.objects.count() == 0  # a check reads nothing


def test_fetch_now_runs_the_poll_job(
    world: World, dovecot: Imap, django_capture_on_commit_callbacks: Any
) -> None:
    dovecot.append(*[c.raw for c in CORPUS if c.expect == "ticket"][:3])
    box = _imap_box(world, dovecot)

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.admin).post(f"/desk/channels/mailboxes/{box.pk}/fetch/")

    box.refresh_from_db()
    assert response.status_code == 302
    assert Ticket.objects.count() == 3 and box.last_uid == 3


def test_quarantined_mail_is_listed_downloaded_and_retried(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Mailbox.objects.create(name="s", address="support@gongdan.test", team=world.it_team)
    poison = _poison(box, monkeypatch)
    fine, _ = receive(mail(sender="b <b@x.example.cn>", subject="好", body="x", n=2), mailbox=box)
    client = world.client_for(world.admin)

    listed = client.get("/desk/channels/mail/")
    everything = client.get("/desk/channels/mail/?status=all")
    raw = client.get(f"/desk/channels/mail/{poison.pk}/raw/")
    mailboxes = client.get("/desk/channels/mailboxes/").content.decode()
    retried = client.post(f"/desk/channels/mail/{poison.pk}/retry/")

    assert [m.pk for m in listed.context["rows"]] == [poison.pk]
    assert "a bug met this message" in listed.content.decode()
    assert {m.pk for m in everything.context["rows"]} == {poison.pk, fine.pk}
    assert raw["Content-Type"] == "message/rfc822" and raw.content == bytes(poison.raw)
    assert f"?status=quarantined&amp;mailbox={box.pk}" in mailboxes  # the count links there
    assert retried.status_code == 302
    poison.refresh_from_db()
    assert poison.status == InboundStatus.TICKET and poison.ticket is not None


def test_mail_domains_are_added_checked_and_removed(world: World) -> None:
    client = _admin(world, "zh-hans")

    added = client.post(
        "/desk/channels/mail/domains/",
        {"domain": "@ACME.example.cn", "organization": world.acme.pk},
    )
    again = client.post(
        "/desk/channels/mail/domains/", {"domain": "acme.example.cn", "organization": world.acme.pk}
    )
    nonsense = client.post(
        "/desk/channels/mail/domains/", {"domain": "not a domain", "organization": world.acme.pk}
    )
    row = MailDomain.objects.get()
    removed = client.post(f"/desk/channels/mail/domains/{row.pk}/delete/")

    assert added.status_code == 302 and row.domain == "acme.example.cn"
    assert again.status_code == 200 and "此域名已属于一个组织" in again.content.decode()
    assert nonsense.status_code == 200 and "example.com" in nonsense.content.decode()
    assert removed.status_code == 302 and not MailDomain.objects.exists()


@pytest.mark.parametrize("who", ["agent", "supervisor", "customer", "org_admin"])
def test_outsiders_get_403_and_change_nothing(
    world: World, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Mailbox.objects.create(name="s", address="support@gongdan.test", secret_hash="x" * 64)
    poison = _poison(box, monkeypatch)
    domain = MailDomain.objects.create(domain="acme.example.cn", organization=world.acme)
    client = world.client_for(getattr(world, who))

    codes = [
        client.get("/desk/channels/mailboxes/").status_code,
        client.get("/desk/channels/mailboxes/new/").status_code,
        client.get(f"/desk/channels/mailboxes/{box.pk}/").status_code,
        client.post("/desk/channels/mailboxes/new/", FORM).status_code,
        client.post(f"/desk/channels/mailboxes/{box.pk}/", FORM).status_code,
        client.post(f"/desk/channels/mailboxes/{box.pk}/secret/").status_code,
        client.post(f"/desk/channels/mailboxes/{box.pk}/check/").status_code,
        client.post(f"/desk/channels/mailboxes/{box.pk}/fetch/").status_code,
        client.get("/desk/channels/mail/").status_code,
        client.get(f"/desk/channels/mail/{poison.pk}/raw/").status_code,
        client.post(f"/desk/channels/mail/{poison.pk}/retry/").status_code,
        client.get("/desk/channels/mail/domains/").status_code,
        client.post(
            "/desk/channels/mail/domains/", {"domain": "evil.cn", "organization": world.acme.pk}
        ).status_code,
        client.post(f"/desk/channels/mail/domains/{domain.pk}/delete/").status_code,
    ]

    assert codes == [403] * len(codes)
    box.refresh_from_db()
    poison.refresh_from_db()
    assert (box.name, box.secret_hash) == ("s", "x" * 64) and Mailbox.objects.count() == 1
    assert poison.status == InboundStatus.QUARANTINED
    assert list(MailDomain.objects.values_list("domain", flat=True)) == ["acme.example.cn"]


def test_anonymous_visitors_log_in_first_and_unknown_rows_are_404(world: World) -> None:
    response = Client().get("/desk/channels/mailboxes/")
    admin = world.client_for(world.admin)

    assert response.status_code == 302 and "/login" in response.url
    assert admin.get("/desk/channels/mailboxes/4242/").status_code == 404
    assert admin.get("/desk/channels/mail/4242/raw/").status_code == 404
    assert admin.post("/desk/channels/mail/4242/retry/").status_code == 404
    assert admin.post("/desk/channels/mail/domains/4242/delete/").status_code == 404


def test_the_lists_cost_the_same_queries_for_one_row_or_many(
    world: World, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.admin)
    box = Mailbox.objects.create(name="s0", address="s0@gongdan.test", team=world.it_team)
    _poison(box, monkeypatch, n=100)
    MailDomain.objects.create(domain="a0.example.cn", organization=world.acme)
    pages = ["/desk/channels/mailboxes/", "/desk/channels/mail/", "/desk/channels/mail/domains/"]
    one = []
    for path in pages:
        with django_assert_max_num_queries(20) as captured:
            client.get(path)
        one.append(len(captured))
    for n in range(1, 6):
        box = Mailbox.objects.create(
            name=f"s{n}", address=f"s{n}@gongdan.test", team=world.field_team
        )
        _poison(box, monkeypatch, n=100 + n)
        MailDomain.objects.create(domain=f"a{n}.example.cn", organization=world.acme)
    many = []
    for path in pages:
        with django_assert_max_num_queries(20) as captured:
            client.get(path)
        many.append(len(captured))

    assert many == one
