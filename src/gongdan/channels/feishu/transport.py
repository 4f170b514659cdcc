"""Feishu custom bot (自定义机器人): an interactive card with a markdown element.

Signature, as Feishu documents it: ``timestamp`` in seconds; HMAC-SHA256 keyed by
``f"{timestamp}\\n{secret}"`` over an empty message, Base64-encoded; both go in the JSON body
(``timestamp``, ``sign``). Success is ``{"code": 0}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from gongdan.channels.http import post_json, vendor_json


def sign(secret: str, timestamp: int) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def message(title: str, text: str) -> dict[str, Any]:
    return {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": title}},
            "elements": [{"tag": "markdown", "content": text}],
        },
    }


def send(webhook_url: str, secret: str, title: str, text: str, now: int | None = None) -> None:
    """Post the card; raises ``ChannelError`` unless Feishu answers code 0."""
    payload = message(title, text)
    if secret:
        timestamp = now if now is not None else int(time.time())
        payload = {"timestamp": str(timestamp), "sign": sign(secret, timestamp), **payload}
    result = post_json(webhook_url, payload)
    # Older bots answered {"StatusCode": 0}; current ones {"code": 0}.
    key = "StatusCode" if result.ok and "code" not in result.json() else "code"
    vendor_json(result, code_key=key)
