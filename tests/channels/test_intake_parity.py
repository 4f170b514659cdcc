"""One write path: every channel leaves the same traces as the workspace for the same action.

For each channel the same logical actions are taken through the channel's real entry point — a
ticket for a new contact (or, where the channel only knows existing people, for a known one), a
public reply, a Cc watcher where the channel has one — and, for the same actions, through the
workspace. Each action's outbox event types, timeline kinds and audit actions must be the
workspace's, plus only the extras a channel declares (its own audit event, a portal sign-up's
``user.created``). After the outbox is dispatched, the ticket and a new contact have search
documents.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.choices import Role
from gongdan.accounts.services import user_create
from gongdan.audit.models import AuditEvent
from gongdan.channels.choices import Vendor
from gongdan.channels.email.models import Mailbox
from gongdan.channels.models import ImIdentity, WebForm, WecomApp
from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Contact
from gongdan.customers.services import contact_create
from gongdan.jobs.outbox import dispatch_outbox
from gongdan.search.models import SearchDocument
from gongdan.testing import Api, World
from gongdan.tickets.models import Ticket, TimelineEntry
from tests.channels.test_wecom_callback import AES_KEY_B64, CORP_ID, TOKEN, post, text_message

MAILBOX = "support@desk.example.cn"
CC_ADDRESS = "watcher@partner.example.cn"

# Actions: "contact" = a new contact, "ticket" = a ticket for it, "reply" = a public reply on
# that ticket, "cc" = the Cc contact starts watching it. A step is what one request does.
NEW = ("contact", "ticket")
KNOWN = ("ticket",)
REPLY = ("reply",)
CC = ("cc",)


@dataclass(frozen=True)
class Effects:
    outbox: Counter[str]
    timeline: Counter[str]
    audit: Counter[str]

    def __add__(self, other: Effects) -> Effects:
        return Effects(
            self.outbox + other.outbox,
            self.timeline + other.timeline,
            self.audit + other.audit,
        )


NONE = Effects(Counter(), Counter(), Counter())


@dataclass
class Scene:
    """What a channel's steps made: the ticket and (if new) the contact it is for."""

    world: World
    api: Api
    cc: Contact
    email: str = "zhaoliu@visitor.example.cn"
    ticket: Ticket | None = None
    contact: Contact | None = None
    client: Client | None = None


def _marks() -> tuple[int, int, int]:
    def top(model: Any) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    return top(OutboxEvent), top(TimelineEntry), top(AuditEvent)


def _since(marks: tuple[int, int, int]) -> Effects:
    outbox, timeline, audit = marks
    return Effects(
        Counter(OutboxEvent.objects.filter(pk__gt=outbox).values_list("event_type", flat=True)),
        Counter(TimelineEntry.objects.filter(pk__gt=timeline).values_list("kind", flat=True)),
        Counter(AuditEvent.objects.filter(pk__gt=audit).values_list("action", flat=True)),
    )


def _measure(step: Callable[[], None]) -> Effects:
    marks = _marks()
    step()
    return _since(marks)


def _newest_ticket() -> Ticket:
    return Ticket.objects.select_related("requester").order_by("-pk").first()  # type: ignore[return-value]


# -- the workspace: the reference ------------------------------------------------------------


def workspace(scene: Scene, actions: tuple[str, ...]) -> None:
    w = scene.world
    client = w.client_for(w.agent)
    if actions in (NEW, KNOWN):
        data: dict[str, Any] = {
            "title": "打印机卡纸 Printer jam",
            "description": "三楼东侧",
            "ticket_type": w.incident.pk,
            "priority": "normal",
            "channel": "web",
        }
        if actions == NEW:
            data.update(new_name="赵六", new_email=scene.email)
        else:
            data["contact"] = w.customer_contact.pk
        assert client.post("/desk/tickets/new/", data).status_code == 302
        scene.ticket = _newest_ticket()
        scene.contact = scene.ticket.requester if actions == NEW else None
        return
    assert scene.ticket is not None
    path = f"/desk/tickets/{scene.ticket.number}"
    if "reply" in actions:
        response = client.post(f"{path}/reply/", {"kind": "reply", "body": "已收到"})
        assert response.status_code == 302
    if "cc" in actions:
        response = client.post(f"{path}/watchers/", {"contact_id": scene.cc.pk})
        assert response.status_code == 302


# -- the channels ----------------------------------------------------------------------------


def api(scene: Scene, actions: tuple[str, ...]) -> None:
    caller = scene.api.as_(scene.world.agent)
    if actions == NEW:
        contact = caller.post("/contacts", {"name": "赵六", "email": scene.email})
        assert contact.status_code == 201, contact.content
        created = caller.post(
            "/tickets", {"title": "打印机卡纸 Printer jam", "requester": contact.json()["id"]}
        )
        assert created.status_code == 201, created.content
        scene.ticket = Ticket.objects.get(number=created.json()["number"])
        scene.contact = Contact.objects.get(pk=contact.json()["id"])
        return
    assert scene.ticket is not None
    if actions == REPLY:
        response = caller.post(f"/tickets/{scene.ticket.number}/comments", {"body": "已收到"})
        assert response.status_code == 201, response.content
    if actions == CC:
        response = caller.post(f"/tickets/{scene.ticket.number}/watchers", {"contact": scene.cc.pk})
        assert response.status_code == 201, response.content


def portal(scene: Scene, actions: tuple[str, ...]) -> None:
    if actions == NEW:
        # A customer account (login + contact, as a confirmed sign-up or staff make it); the
        # ticket comes from the portal's form.
        user = user_create(
            actor=None,
            username=scene.email,
            role=Role.CUSTOMER,
            email=scene.email,
            password="Gongdan-Portal-2026!",
        )
        contact_create(actor=None, name="赵六", email=scene.email, user=user)
        scene.client = Client()
        scene.client.force_login(user)
        response = scene.client.post(
            "/portal/tickets/new/",
            {"ticket_type": scene.world.incident.pk, "title": "打印机卡纸 Printer jam"},
        )
        assert response.status_code == 302, response.content
        scene.ticket = _newest_ticket()
        scene.contact = Contact.objects.get(user=user)
        return
    assert scene.ticket is not None and scene.client is not None and actions == REPLY
    response = scene.client.post(
        f"/portal/tickets/{scene.ticket.number}/reply/", {"body": "已收到"}
    )
    assert response.status_code == 302


def _mail(n: int, subject: str, body: str, cc: str = "") -> bytes:
    headers = f"Cc: {cc}\r\n" if cc else ""
    return (
        f"From: =?utf-8?b?6LW15YWt?= <zhaoliu@visitor.example.cn>\r\nTo: {MAILBOX}\r\n"
        f"{headers}Subject: {subject}\r\nMessage-ID: <parity-{n}@visitor.example.cn>\r\n"
        "Date: Mon, 23 Nov 2026 09:00:00 +0800\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
        f"{body}\r\n"
    ).encode()


def mail(scene: Scene, actions: tuple[str, ...]) -> None:
    """Through the real inbound path: the MTA pipe endpoint with the mailbox's secret."""
    mailbox = Mailbox.objects.get(address=MAILBOX)
    number = scene.ticket.number if scene.ticket else ""
    if actions == NEW:
        raw = _mail(1, "Printer jam", "三楼东侧的打印机卡纸")
    elif actions == REPLY:
        raw = _mail(2, f"Re: [{number}] Printer jam", "已收到")
    else:  # a reply that copies someone: the reply and the watcher
        raw = _mail(3, f"Re: [{number}] Printer jam", "抄送同事", cc=CC_ADDRESS)
    response = Client().post(
        f"/channels/email/inbound/{mailbox.pk}/",
        raw,
        content_type="message/rfc822",
        headers={"Authorization": "Bearer parity-secret"},
    )
    assert response.status_code == 202, response.content
    if actions == NEW:
        scene.ticket = _newest_ticket()
        scene.contact = scene.ticket.requester


def webform(scene: Scene, actions: tuple[str, ...]) -> None:
    assert actions == NEW
    body = {"name": "赵六", "email": "zhaoliu@visitor.example.cn", "title": "打印机卡纸"}
    response = Client().post(
        "/channels/webform/parity/submit", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    scene.ticket = Ticket.objects.get(number=response.json()["number"])
    scene.contact = scene.ticket.requester


def wecom(scene: Scene, actions: tuple[str, ...]) -> None:
    """WeCom only knows people with an identity: a ticket for a known customer, and a reply."""
    if actions == KNOWN:
        response = post(Client(), text_message("LiLei", "打印机卡纸\n三楼东侧", "5001"))
        assert response.status_code == 200
        scene.ticket = _newest_ticket()
        return
    assert scene.ticket is not None and actions == REPLY
    response = post(Client(), text_message("LiLei", f"{scene.ticket.number} 已收到", "5002"))
    assert response.status_code == 200


def phone(scene: Scene, actions: tuple[str, ...]) -> None:
    caller = scene.api.as_(scene.world.agent)
    if actions == NEW:
        response = caller.post(
            "/calls", {"number": "139 0000 7777", "name": "赵六", "title": "打印机卡纸"}
        )
        assert response.status_code == 201, response.content
        scene.ticket = Ticket.objects.get(number=response.json()["ticket"])
        scene.contact = scene.ticket.requester
        return
    assert scene.ticket is not None and actions == REPLY
    response = caller.post(
        "/calls",
        {"number": "13900007777", "kind": "reply", "ticket": scene.ticket.number, "body": "已收到"},
    )
    assert response.status_code == 201, response.content


@dataclass(frozen=True)
class Channel:
    drive: Callable[[Scene, tuple[str, ...]], None]
    steps: tuple[tuple[str, ...], ...]
    extra: Effects = NONE  # what the channel adds to the first step, and why (see CHANNELS)


CHANNELS = {
    "workspace": Channel(workspace, (NEW, REPLY, CC)),
    "api": Channel(api, (NEW, REPLY, CC)),
    # The account's login is announced too (``user.created`` for the search index).
    "portal": Channel(
        portal, (NEW, REPLY), Effects(Counter({"user.created": 1}), Counter(), Counter())
    ),
    "mail": Channel(mail, (NEW, REPLY, ("reply", "cc"))),
    # The form's own audit event names the form.
    "webform": Channel(
        webform, (NEW,), Effects(Counter(), Counter(), Counter({"webform.submitted": 1}))
    ),
    "wecom": Channel(wecom, (KNOWN, REPLY)),
    "phone": Channel(phone, (NEW, REPLY)),
}


@pytest.fixture
def scene(world: World, api: Api) -> Scene:
    mailbox = Mailbox.objects.create(
        name="Support", address=MAILBOX, team=world.it_team, ticket_type=world.incident
    )
    mailbox.secret_hash = hashlib.sha256(b"parity-secret").hexdigest()
    mailbox.save()
    WebForm.objects.create(
        key="parity", name="官网", team=world.it_team, ticket_type=world.incident
    )
    ImIdentity.objects.create(user=world.customer, vendor=Vendor.WECOM, external_id="LiLei")
    WecomApp.objects.create(
        code="desk", name="服务台", corp_id=CORP_ID, token=TOKEN, encoding_aes_key=AES_KEY_B64
    )
    cc = contact_create(actor=world.agent, name="抄送人", email=CC_ADDRESS)
    api.token(world.agent)  # the token's own audit event before anything is measured
    return Scene(world=world, api=api, cc=cc)


def _run(channel: Channel, scene: Scene) -> list[Effects]:
    return [_measure(lambda step=step: channel.drive(scene, step)) for step in channel.steps]


def _reference(scene: Scene, steps: tuple[tuple[str, ...], ...]) -> list[Effects]:
    """The workspace's effects for the same steps (a step of several actions: their sum)."""
    reference = Scene(world=scene.world, api=scene.api, cc=scene.cc, email="ref@visitor.example.cn")
    if steps[0] == KNOWN:  # the same ticket's actions, for a known contact
        reference_steps: list[tuple[str, ...]] = [KNOWN]
    else:
        reference_steps = [NEW]
    effects = [_measure(lambda: workspace(reference, reference_steps[0]))]
    for step in steps[1:]:
        total = NONE
        for action in step:
            total = total + _measure(lambda action=action: workspace(reference, (action,)))
        effects.append(total)
    return effects


@pytest.mark.parametrize("name", list(CHANNELS))
def test_every_channel_leaves_the_workspaces_traces(name: str, scene: Scene) -> None:
    channel = CHANNELS[name]
    expected = _reference(scene, channel.steps)
    expected[0] = expected[0] + channel.extra

    effects = _run(channel, scene)

    assert effects == expected
    assert expected[0].outbox["ticket.created"] == 1
    assert expected[0].timeline["ticket.created"] == 1
    # Then, once the outbox is dispatched, the ticket and a new contact can be found.
    dispatch_outbox()
    assert scene.ticket is not None
    assert SearchDocument.objects.filter(kind="ticket", obj_id=scene.ticket.pk).exists()
    if "contact" in channel.steps[0]:
        assert scene.contact is not None
        assert SearchDocument.objects.filter(kind="contact", obj_id=scene.contact.pk).exists()
