"""Mailbox settings and received mail through the API: admins only, secrets shown once."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from gongdan.channels.email import intake
from gongdan.channels.email.intake import receive
from gongdan.channels.email.models import InboundMessage, Mailbox
from gongdan.testing import Api, World
from tests.channels.email.corpus import mail


def test_an_admin_creates_a_mailbox_and_sees_the_secret_once(world: World) -> None:
    api = Api(world).as_(world.admin)

    created = api.post(
        "/mailboxes",
        {
            "name": "售后",
            "address": "Service@Gongdan.test",
            "team": world.field_team.pk,
            "ticket_type": world.repair.pk,
            "imap_host": "imap.example.cn",
            "imap_username": "service",
            "imap_password": "s3cret",
        },
    )
    listed = api.get("/mailboxes").json()

    assert created.status_code == 201
    body = created.json()
    box = Mailbox.objects.get(pk=body["id"])
    assert body["address"] == "service@gongdan.test" and body["has_imap_password"] is True
    assert "imap_password" not in body and box.imap_password == "s3cret"
    assert hashlib.sha256(body["inbound_secret"].encode()).hexdigest() == box.secret_hash
    assert "inbound_secret" not in listed[0] and "imap_password" not in listed[0]


def test_bad_mailbox_input_gets_field_errors_and_saves_nothing(world: World) -> None:
    api = Api(world).as_(world.admin)
    Mailbox.objects.create(name="a", address="taken@gongdan.test")

    cases = [
        ({"name": "x", "address": "taken@gongdan.test"}, "address"),
        ({"name": "x", "address": "no-at-sign"}, "address"),
        ({"name": "x", "address": "b@gongdan.test", "team": 999999}, "team"),
        ({"name": "x", "address": "b@gongdan.test", "imap_port": 70000}, "imap_port"),
        ({"name": "x", "address": "b@gongdan.test", "imap_security": "tls13"}, "imap_security"),
        ({"name": "x", "address": "b@gongdan.test", "imap_host": "imap.x"}, "imap_username"),
    ]
    for body, field in cases:
        response = api.post("/mailboxes", body)
        assert response.status_code == 422, body
        assert field in response.json()["fields"], (body, response.json())
    assert Mailbox.objects.count() == 1


def test_update_keeps_the_password_unless_given_and_rotation_replaces_the_secret(
    world: World,
) -> None:
    api = Api(world).as_(world.admin)
    created = api.post(
        "/mailboxes",
        {
            "name": "a",
            "address": "a@gongdan.test",
            "imap_host": "h",
            "imap_username": "u",
            "imap_password": "p1",
        },
    ).json()

    patched = api.patch(f"/mailboxes/{created['id']}", {"poll_minutes": 5})
    rotated = api.post(f"/mailboxes/{created['id']}/secret")

    box = Mailbox.objects.get(pk=created["id"])
    assert patched.status_code == 200 and box.poll_minutes == 5 and box.imap_password == "p1"
    assert (
        rotated.status_code == 200 and rotated.json()["inbound_secret"] != created["inbound_secret"]
    )
    assert box.secret_hash == hashlib.sha256(rotated.json()["inbound_secret"].encode()).hexdigest()


@pytest.mark.parametrize("who", ["supervisor", "agent", "customer"])
def test_only_admins_see_or_change_mailboxes(world: World, who: str) -> None:
    box = Mailbox.objects.create(name="a", address="a@gongdan.test", imap_password="p")
    api = Api(world).as_(getattr(world, who))

    responses = [
        api.get("/mailboxes"),
        api.post("/mailboxes", {"name": "x", "address": "x@gongdan.test"}),
        api.patch(f"/mailboxes/{box.pk}", {"name": "hijacked"}),
        api.post(f"/mailboxes/{box.pk}/secret"),
        api.get("/mail/inbound"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert {r.json()["code"] for r in responses} == {"permission.admin_only"}
    box.refresh_from_db()
    assert box.name == "a" and Mailbox.objects.count() == 1


def test_quarantined_mail_is_listed_and_retried(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Mailbox.objects.create(name="s", address="support@gongdan.test", team=world.it_team)
    real = intake.ticket_create

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(intake, "ticket_create", broken)
    poison, _ = receive(mail(sender="a <a@x.example.cn>", subject="坏", body="x", n=1), mailbox=box)
    monkeypatch.setattr(intake, "ticket_create", real)
    fine, _ = receive(mail(sender="b <b@x.example.cn>", subject="好", body="x", n=2), mailbox=box)
    api = Api(world).as_(world.admin)

    listed = api.get("/mail/inbound?status=quarantined").json()
    not_quarantined = api.post(f"/mail/inbound/{fine.pk}/retry")
    retried = api.post(f"/mail/inbound/{poison.pk}/retry")
    agent = Api(world).as_(world.agent).post(f"/mail/inbound/{poison.pk}/retry")

    assert [m["id"] for m in listed] == [poison.pk] and "RuntimeError" in listed[0]["error"]
    assert not_quarantined.status_code == 409
    assert retried.status_code == 200 and retried.json()["status"] == "ticket"
    assert retried.json()["ticket"] is not None
    assert agent.status_code == 403
    assert InboundMessage.objects.get(pk=poison.pk).attempts == 2


def test_mail_domains_through_the_api(world: World) -> None:
    api = Api(world).as_(world.admin)

    created = api.post(
        "/mail/domains", {"domain": "Acme.example.cn", "organization": world.acme.pk}
    )
    taken = api.post("/mail/domains", {"domain": "acme.example.cn", "organization": world.acme.pk})
    bad = api.post("/mail/domains", {"domain": "acme", "organization": world.acme.pk})
    unknown = api.post("/mail/domains", {"domain": "b.example.cn", "organization": 4242})
    listed = api.get("/mail/domains").json()
    outsider = Api(world).as_(world.supervisor)
    outsider_codes = [
        outsider.get("/mail/domains").status_code,
        outsider.post(
            "/mail/domains", {"domain": "evil.cn", "organization": world.acme.pk}
        ).status_code,
        outsider.delete(f"/mail/domains/{created.json()['id']}").status_code,
    ]
    deleted = api.delete(f"/mail/domains/{created.json()['id']}")
    missing = api.delete(f"/mail/domains/{created.json()['id']}")

    assert created.status_code == 201 and created.json()["domain"] == "acme.example.cn"
    assert (taken.status_code, taken.json()["code"]) == (422, "maildomain.taken")
    assert (bad.status_code, bad.json()["code"]) == (422, "maildomain.invalid")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "maildomain.invalid")
    assert listed == [
        {"id": created.json()["id"], "domain": "acme.example.cn", "organization": world.acme.pk}
    ]
    assert outsider_codes == [403, 403, 403]
    assert deleted.status_code == 204 and missing.status_code == 404
