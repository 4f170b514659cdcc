"""The WeCom callback: URL verification, signatures, messages → tickets or replies, replays.

Messages are encrypted here with an implementation written from WeCom's documentation
(AES-256-CBC, PKCS#7 to 32 bytes, random(16) + msg_len + msg + receiveid; SHA-1 signature).
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import urllib.parse
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.test import Client

from gongdan.channels.choices import Vendor
from gongdan.channels.models import ImIdentity, InboundMessage, WecomApp
from gongdan.testing import World
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Comment, Ticket

CORP_ID = "ww1234567890abcdef"
TOKEN = "QDG6eK"
AES_KEY_B64 = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 characters


def encrypt(msg: str, *, receive_id: str = CORP_ID, key_b64: str = AES_KEY_B64) -> str:
    key = base64.b64decode(key_b64 + "=")
    body = msg.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + receive_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad] * pad)
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def sign(timestamp: str, nonce: str, encrypted: str, token: str = TOKEN) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def text_message(sender: str, content: str, msg_id: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{sender}]]></FromUserName>"
        "<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>"
        "<AgentID>1000002</AgentID></xml>"
    )


def post(
    client: Client, xml: str, *, app: str = "desk", bad_sig: bool = False, receive_id: str = CORP_ID
) -> Any:
    encrypted = encrypt(xml, receive_id=receive_id)
    ts, nonce = "1409659813", "1372623149"
    signature = "0" * 40 if bad_sig else sign(ts, nonce, encrypted)
    query = urllib.parse.urlencode({"msg_signature": signature, "timestamp": ts, "nonce": nonce})
    body = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
    )
    return client.post(
        f"/channels/wecom/callback/{app}/?{query}", data=body, content_type="text/xml"
    )


@pytest.fixture
def app(world: World) -> WecomApp:
    ImIdentity.objects.create(user=world.customer, vendor=Vendor.WECOM, external_id="LiLei")
    ImIdentity.objects.create(user=world.agent, vendor=Vendor.WECOM, external_id="ZhangSan")
    return WecomApp.objects.create(
        code="desk", name="服务台", corp_id=CORP_ID, token=TOKEN, encoding_aes_key=AES_KEY_B64
    )


def test_url_verification_answers_the_decrypted_echostr(app: WecomApp) -> None:
    echostr = encrypt("4306813581513939215")
    ts, nonce = "1409659589", "263014780"
    query = {"msg_signature": sign(ts, nonce, echostr), "timestamp": ts, "nonce": nonce}

    response = Client().get("/channels/wecom/callback/desk/", {**query, "echostr": echostr})

    assert response.status_code == 200
    assert response.content == b"4306813581513939215"


def test_url_verification_with_a_bad_signature_is_403(app: WecomApp) -> None:
    echostr = encrypt("4306813581513939215")
    query = {
        "msg_signature": sign("1", "2", echostr, token="other"),
        "timestamp": "1",
        "nonce": "2",
    }

    response = Client().get("/channels/wecom/callback/desk/", {**query, "echostr": echostr})

    assert response.status_code == 403
    assert response.json()["code"] == "wecom.bad_signature"


def test_a_text_from_a_known_customer_becomes_a_ticket(world: World, app: WecomApp) -> None:
    response = post(Client(), text_message("LiLei", "打印机卡纸\n三楼东侧那台", "1001"))

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.channel) == ("打印机卡纸", Channel.WECHAT)
    assert ticket.requester == world.customer_contact
    assert ticket.description == "打印机卡纸\n三楼东侧那台"
    assert InboundMessage.objects.get().outcome == "ticket"


def test_the_same_message_delivered_twice_makes_one_ticket(app: WecomApp) -> None:
    client = Client()
    first = post(client, text_message("LiLei", "网络断了", "2002"))
    again = post(client, text_message("LiLei", "网络断了", "2002"))

    assert (first.status_code, again.status_code) == (200, 200)
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_message_naming_a_ticket_is_a_reply(world: World, app: WecomApp) -> None:
    ticket = world.ticket()

    post(Client(), text_message("LiLei", f"{ticket.number} 还是不行", "3003"))

    comment = Comment.objects.get(ticket=ticket)
    assert (comment.author, comment.body, comment.is_internal) == (
        world.customer,
        f"{ticket.number} 还是不行",
        False,
    )
    assert Ticket.objects.count() == 1


def test_a_reply_to_someone_elses_ticket_is_not_a_reply(world: World, app: WecomApp) -> None:
    theirs = world.ticket(by=world.other_customer)

    post(Client(), text_message("LiLei", f"{theirs.number} 我来看看", "3004"))

    assert not Comment.objects.filter(ticket=theirs).exists()
    mine = Ticket.objects.exclude(pk=theirs.pk).get()  # a new ticket of the sender's instead
    assert mine.requester == world.customer_contact


def test_unknown_senders_and_staff_without_a_ticket_make_nothing(app: WecomApp) -> None:
    post(Client(), text_message("Stranger", "你好", "4004"))
    post(Client(), text_message("ZhangSan", "你好", "4005"))

    assert Ticket.objects.count() == 0
    outcomes = set(InboundMessage.objects.values_list("outcome", flat=True))
    assert outcomes == {"unknown_sender", "no_ticket"}


def test_a_post_with_a_bad_signature_is_403_and_changes_nothing(app: WecomApp) -> None:
    response = post(Client(), text_message("LiLei", "伪造", "5005"), bad_sig=True)

    assert response.status_code == 403 and response.json()["code"] == "wecom.bad_signature"
    assert Ticket.objects.count() == 0 and InboundMessage.objects.count() == 0


def test_a_message_for_another_corp_is_refused(app: WecomApp) -> None:
    encrypted = encrypt(text_message("LiLei", "x", "6006"), receive_id="ww-other-corp")
    ts, nonce = "1", "2"
    query = urllib.parse.urlencode(
        {"msg_signature": sign(ts, nonce, encrypted), "timestamp": ts, "nonce": nonce}
    )
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"

    response = Client().post(
        f"/channels/wecom/callback/desk/?{query}", data=body, content_type="text/xml"
    )

    assert response.status_code == 400 and response.json()["code"] == "wecom.bad_receive_id"
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "not xml at all",
        "<xml><Nothing/></xml>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>',
    ],
)
def test_malformed_bodies_are_400(app: WecomApp, body: str) -> None:
    query = urllib.parse.urlencode({"msg_signature": "x", "timestamp": "1", "nonce": "2"})

    response = Client().post(
        f"/channels/wecom/callback/desk/?{query}", data=body, content_type="text/xml"
    )

    assert response.status_code == 400 and response.json()["code"] == "wecom.bad_xml"


def test_unknown_app_is_404_and_missing_parameters_400(app: WecomApp) -> None:
    assert Client().get("/channels/wecom/callback/nope/").status_code == 404
    response = Client().get("/channels/wecom/callback/desk/", {"echostr": "x"})
    assert response.status_code == 400 and response.json()["code"] == "wecom.missing_parameters"


def test_the_sender_is_told_the_ticket_number_through_the_app(
    world: World, app: WecomApp, server: Any, live: Any
) -> None:
    from tests.channels.vendors import FakeWecomApi

    server.responder = FakeWecomApi()
    # FakeWecomApi hands out tokens for the corp "wwcorp": the app (and the messages) use it.
    WecomApp.objects.filter(pk=app.pk).update(
        corp_id="wwcorp", secret="app-secret", agent_id=1000002, api_base_url=server.url
    )

    with live():
        response = post(Client(), text_message("LiLei", "投影仪不亮", "7007"), receive_id="wwcorp")

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    sends = [s for s in server.seen if s.path == "/cgi-bin/message/send"]
    assert sends[0].json()["touser"] == "LiLei"
    assert ticket.number in sends[0].json()["markdown"]["content"]


def test_events_and_non_text_messages_are_acknowledged_and_ignored(app: WecomApp) -> None:
    event = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        "<FromUserName><![CDATA[LiLei]]></FromUserName><CreateTime>1</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event>"
        "<AgentID>1000002</AgentID></xml>"
    )
    assert post(Client(), event).status_code == 200
    assert Ticket.objects.count() == 0 and InboundMessage.objects.count() == 0
