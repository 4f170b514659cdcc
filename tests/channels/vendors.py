"""Independent implementations of what the vendors' servers check (written from their docs)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from tests.channels.conftest import Responder, Seen

DINGTALK_SIGN_ERROR = {"errcode": 310000, "errmsg": "sign not match"}
FEISHU_SIGN_ERROR = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}


def dingtalk_robot(secret: str) -> Responder:
    """DingTalk: timestamp (ms) and sign in the query; sign = b64(HMAC(secret, ts\\nsecret))."""

    def respond(seen: Seen) -> tuple[int, Any]:
        ts = seen.query.get("timestamp", "")
        given = seen.query.get("sign", "")  # parse_qsl has undone the URL encoding
        mac = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256)
        expected = base64.b64encode(mac.digest()).decode()
        fresh = ts.isdigit() and abs(int(ts) - time.time() * 1000) < 3_600_000
        if not (fresh and hmac.compare_digest(given, expected)):
            return 200, DINGTALK_SIGN_ERROR
        body = seen.json()
        if body.get("msgtype") != "markdown" or not body["markdown"].get("text"):
            return 200, {"errcode": 40035, "errmsg": "bad message"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    return respond


def feishu_bot(secret: str) -> Responder:
    """Feishu: timestamp (s) and sign in the body; sign = b64(HMAC(key=ts\\nsecret, msg=''))."""

    def respond(seen: Seen) -> tuple[int, Any]:
        body = seen.json()
        ts = str(body.get("timestamp", ""))
        key = f"{ts}\n{secret}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        fresh = ts.isdigit() and abs(int(ts) - time.time()) < 3600
        if not (fresh and hmac.compare_digest(str(body.get("sign", "")), expected)):
            return 200, FEISHU_SIGN_ERROR
        if body.get("msg_type") != "interactive":
            return 200, {"code": 9499, "msg": "bad message"}
        return 200, {"code": 0, "msg": "success", "data": {}}

    return respond


def wecom_robot(key: str) -> Responder:
    """WeCom group robot: the key in the URL, a markdown body, no signature."""

    def respond(seen: Seen) -> tuple[int, Any]:
        if seen.query.get("key") != key:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        body = seen.json()
        if body.get("msgtype") != "markdown" or not body["markdown"].get("content"):
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    return respond


def webhook_receiver(secret: str, tolerance: int = 300) -> Responder:
    """A receiver that checks ``X-Gongdan-Signature: t=…,v1=hex(HMAC(secret, f"{t}.{body}"))``."""

    def respond(seen: Seen) -> tuple[int, Any]:
        header = seen.headers.get("X-Gongdan-Signature", "")
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        ts = parts.get("t", "")
        message = ts.encode() + b"." + seen.body
        expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
        fresh = ts.isdigit() and abs(int(ts) - time.time()) < tolerance
        if not (fresh and hmac.compare_digest(parts.get("v1", ""), expected)):
            return 401, {"error": "bad signature"}
        return 200, {"ok": True}

    return respond


class FakeWecomApi:
    """Answers like qyapi: tokens from gettoken, errcode 42001 for a stale token."""

    def __init__(self) -> None:
        self.issued = 0
        self.valid = ""

    def __call__(self, seen: Seen) -> tuple[int, Any]:
        if seen.path == "/cgi-bin/gettoken":
            if (seen.query.get("corpid"), seen.query.get("corpsecret")) != ("wwcorp", "app-secret"):
                return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
            self.issued += 1
            self.valid = f"TOKEN{self.issued}"
            return 200, {
                "errcode": 0,
                "errmsg": "ok",
                "access_token": self.valid,
                "expires_in": 7200,
            }
        if seen.path == "/cgi-bin/message/send":
            if seen.query.get("access_token") != self.valid:
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            body = seen.json()
            if body.get("msgtype") != "markdown" or body.get("agentid") != 1000002:
                return 200, {"errcode": 40008, "errmsg": "invalid message type"}
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "m1"}
        return 404, {}


class FakeDingTalkApi:
    """Answers like oapi.dingtalk.com: gettoken, then work notifications with that token."""

    def __init__(self) -> None:
        self.issued = 0
        self.valid = ""

    def __call__(self, seen: Seen) -> tuple[int, Any]:
        if seen.path == "/gettoken":
            if (seen.query.get("appkey"), seen.query.get("appsecret")) != ("dingkey", "dingsecret"):
                return 200, {"errcode": 40089, "errmsg": "invalid appkey or appsecret"}
            self.issued += 1
            self.valid = f"DT{self.issued}"
            return 200, {"errcode": 0, "access_token": self.valid, "expires_in": 7200}
        if seen.path == "/topapi/message/corpconversation/asyncsend_v2":
            if seen.query.get("access_token") != self.valid:
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            body = seen.json()
            markdown = body.get("msg", {}).get("markdown", {})
            if body.get("agent_id") != 2233 or not (markdown.get("title") and markdown.get("text")):
                return 200, {"errcode": 33012, "errmsg": "invalid message"}
            return 200, {"errcode": 0, "task_id": 1, "request_id": "r1"}
        return 404, {}


class FakeFeishuApi:
    """Answers like open.feishu.cn: tenant_access_token/internal, then im/v1/messages."""

    def __init__(self) -> None:
        self.issued = 0
        self.valid = ""

    def __call__(self, seen: Seen) -> tuple[int, Any]:
        if seen.path == "/open-apis/auth/v3/tenant_access_token/internal":
            body = seen.json()
            if (body.get("app_id"), body.get("app_secret")) != ("cli_a1", "fs-secret"):
                return 200, {"code": 10014, "msg": "app secret invalid"}
            self.issued += 1
            self.valid = f"t-{self.issued}"
            return 200, {"code": 0, "msg": "ok", "tenant_access_token": self.valid, "expire": 7200}
        if seen.path == "/open-apis/im/v1/messages":
            if seen.headers.get("Authorization") != f"Bearer {self.valid}":
                return 400, {"code": 99991663, "msg": "Invalid access token for authorization."}
            body = seen.json()
            if (
                seen.query.get("receive_id_type") != "user_id"
                or body.get("msg_type") != "interactive"
            ):
                return 400, {"code": 230001, "msg": "invalid message"}
            json.loads(body["content"])  # the card travels as a JSON string
            return 200, {"code": 0, "msg": "success", "data": {"message_id": "om_1"}}
        return 404, {}
