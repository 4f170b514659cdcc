"""SMS notifications through Aliyun and Tencent Cloud, against local servers that check the
signatures the way the vendors document them (recomputed here independently)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from gongdan.channels.http import ChannelError
from gongdan.channels.sms.notify import send_sms_notification
from gongdan.notifications import services as notifications
from gongdan.testing import World
from gongdan.tickets import services as tickets
from tests.channels.conftest import Seen, Server

DATA = {"number": "GD-20261130-0001", "title": "打印机"}
KEY_ID, SECRET = "LTAI-test", "s3cr3t/+="


def _enc(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


class FakeAliyun:
    def __init__(self) -> None:
        self.code = "OK"

    def __call__(self, seen: Seen) -> tuple[int, Any]:
        params = dict(seen.query)
        signature = params.pop("Signature", "")
        canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()))
        to_sign = "GET&%2F&" + _enc(canonical)
        expected = base64.b64encode(
            hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        if seen.method != "GET" or signature != expected or params["AccessKeyId"] != KEY_ID:
            return 200, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
        return 200, {"Code": self.code, "Message": self.code, "BizId": "1"}


class FakeTencent:
    def __init__(self) -> None:
        self.error = False

    def __call__(self, seen: Seen) -> tuple[int, Any]:
        h = {k.lower(): v for k, v in seen.headers.items()}
        ts = int(h["x-tc-timestamp"])
        date = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
        canonical = (
            f"POST\n/\n\ncontent-type:{h['content-type']}\nhost:{h['host']}\n"
            f"x-tc-action:{h['x-tc-action'].lower()}\n\ncontent-type;host;x-tc-action\n"
            + hashlib.sha256(seen.body).hexdigest()
        )
        scope = f"{date}/sms/tc3_request"
        to_sign = (
            f"TC3-HMAC-SHA256\n{ts}\n{scope}\n" + hashlib.sha256(canonical.encode()).hexdigest()
        )

        def mac(key: bytes, msg: str) -> bytes:
            return hmac.new(key, msg.encode(), hashlib.sha256).digest()

        key = mac(mac(mac(f"TC3{SECRET}".encode(), date), "sms"), "tc3_request")
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        expected = (
            f"TC3-HMAC-SHA256 Credential={KEY_ID}/{scope}, "
            f"SignedHeaders=content-type;host;x-tc-action, Signature={signature}"
        )
        if h.get("authorization") != expected or h["x-tc-action"] != "SendSms":
            return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure"}}}
        if self.error:
            return 200, {
                "Response": {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}]}
            }
        return 200, {"Response": {"SendStatusSet": [{"Code": "Ok", "Fee": 1}], "RequestId": "r"}}


def _configure(settings: Any, server: Server, provider: str) -> None:
    settings.GONGDAN_SMS_PROVIDER = provider
    settings.GONGDAN_SMS_KEY_ID = KEY_ID
    settings.GONGDAN_SMS_KEY_SECRET = SECRET
    settings.GONGDAN_SMS_SIGN_NAME = "工单服务"
    settings.GONGDAN_SMS_TEMPLATE = "SMS_123" if provider == "aliyun" else "100200"
    settings.GONGDAN_SMS_APP_ID = "1400000000"
    settings.GONGDAN_SMS_ENDPOINT = server.url + "/"


@pytest.fixture
def agent_mobile(world: World) -> str:
    world.agent.mobile = "13800138000"
    world.agent.language = "zh-hans"
    world.agent.save()
    return world.agent.mobile


@pytest.fixture
def aliyun(settings: Any, server: Server, agent_mobile: str) -> Iterator[FakeAliyun]:
    fake = FakeAliyun()
    server.responder = fake
    _configure(settings, server, "aliyun")
    notifications.register_channel("sms", send_sms_notification)
    yield fake
    notifications._channels.pop("sms", None)


@pytest.fixture
def tencent(settings: Any, server: Server, agent_mobile: str) -> Iterator[FakeTencent]:
    fake = FakeTencent()
    server.responder = fake
    _configure(settings, server, "tencent")
    notifications.register_channel("sms", send_sms_notification)
    yield fake
    notifications._channels.pop("sms", None)


def test_assignment_reaches_agent_by_aliyun_sms(
    world: World, server: Server, aliyun: FakeAliyun, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()
    with live():
        tickets.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)

    assert len(server.seen) == 1
    query = server.seen[0].query
    assert (query["PhoneNumbers"], query["SignName"], query["TemplateCode"]) == (
        "13800138000",
        "工单服务",
        "SMS_123",
    )
    params = json.loads(query["TemplateParam"])
    assert params["number"] == ticket.number
    assert 0 < len(params["text"]) <= 35


def test_aliyun_error_code_is_a_failure(world: World, aliyun: FakeAliyun) -> None:
    aliyun.code = "isv.BUSINESS_LIMIT_CONTROL"

    with pytest.raises(ChannelError, match="BUSINESS_LIMIT_CONTROL"):
        send_sms_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)


def test_aliyun_wrong_secret_is_refused_by_the_server(
    world: World, aliyun: FakeAliyun, settings: Any
) -> None:
    settings.GONGDAN_SMS_KEY_SECRET = "wrong"

    with pytest.raises(ChannelError, match="SignatureDoesNotMatch"):
        send_sms_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)


def test_tencent_sms_is_signed_tc3(world: World, server: Server, tencent: FakeTencent) -> None:
    assert send_sms_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)

    body = server.seen[0].json()
    assert body["PhoneNumberSet"] == ["+8613800138000"]
    assert (body["SmsSdkAppId"], body["TemplateId"], body["SignName"]) == (
        "1400000000",
        "100200",
        "工单服务",
    )
    assert body["TemplateParamSet"][0] == DATA["number"]


def test_tencent_send_status_error_is_a_failure(world: World, tencent: FakeTencent) -> None:
    tencent.error = True

    with pytest.raises(ChannelError, match="PhoneNumberDailyLimit"):
        send_sms_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)


def test_tencent_wrong_secret_is_refused(world: World, tencent: FakeTencent, settings: Any) -> None:
    settings.GONGDAN_SMS_KEY_SECRET = "wrong"

    with pytest.raises(ChannelError, match="SignatureFailure"):
        send_sms_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)


def test_users_without_mobile_are_skipped(world: World, server: Server, aliyun: FakeAliyun) -> None:
    assert not send_sms_notification.call_local(world.other_agent.pk, "ticket.assigned", None, DATA)
    assert server.seen == []


def test_not_configured_sends_nothing(world: World, server: Server, agent_mobile: str) -> None:
    assert not send_sms_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)
    assert server.seen == []


def test_lookup_code_for_a_mobile_number_is_sent_by_sms(
    world: World, server: Server, aliyun: FakeAliyun, settings: Any, live: Callable[[], Any]
) -> None:
    from gongdan.core.models import OutboxEvent
    from gongdan.tickets.services.lookup import lookup_code_request

    settings.GONGDAN_SMS_CODE_TEMPLATE = "SMS_CODE"
    contact = world.customer_contact
    contact.mobile = "13900001111"
    contact.save()
    ticket = world.ticket()

    with live():
        lookup_code_request(number=ticket.number, address="13900001111")

    code = OutboxEvent.objects.get(event_type="portal.lookup_code").payload["code"]
    sends = [s.query for s in server.seen if s.query.get("TemplateCode") == "SMS_CODE"]
    assert len(sends) == 1
    assert sends[0]["PhoneNumbers"] == "13900001111"
    assert json.loads(sends[0]["TemplateParam"]) == {"code": code}


def test_lookup_code_for_an_email_address_is_not_sent_by_sms(
    world: World, server: Server, aliyun: FakeAliyun, settings: Any, live: Callable[[], Any]
) -> None:
    from gongdan.tickets.services.lookup import lookup_code_request

    settings.GONGDAN_SMS_CODE_TEMPLATE = "SMS_CODE"
    ticket = world.ticket()

    with live():
        lookup_code_request(number=ticket.number, address="customer@customer.test")

    assert [s for s in server.seen if s.query.get("TemplateCode") == "SMS_CODE"] == []
