"""DingTalk custom group robot (自定义机器人): markdown messages, 加签 signature in the URL.

Signature, as DingTalk documents it: ``timestamp`` in milliseconds; the string
``f"{timestamp}\\n{secret}"`` is signed with HMAC-SHA256 keyed by the secret, Base64-encoded,
then URL-encoded as the ``sign`` query parameter. Success is ``{"errcode": 0}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

from gongdan.channels.http import post_json, vendor_json


def sign(secret: str, timestamp_ms: int) -> str:
    """The Base64 signature (before URL encoding)."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(webhook_url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return webhook_url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    query = f"timestamp={timestamp_ms}&sign={urllib.parse.quote_plus(sign(secret, timestamp_ms))}"
    return f"{webhook_url}{'&' if '?' in webhook_url else '?'}{query}"


def send(webhook_url: str, secret: str, title: str, text: str) -> None:
    """Post a markdown message; raises ``ChannelError`` unless DingTalk answers errcode 0."""
    payload = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    vendor_json(post_json(signed_url(webhook_url, secret), payload))
