"""Feishu messages from a self-built app (bot) to one user.

``POST /open-apis/auth/v3/tenant_access_token/internal`` with ``app_id``/``app_secret`` gives the
tenant token (cached in the ``ImApp`` row); ``POST /open-apis/im/v1/messages?receive_id_type=
user_id`` with ``Authorization: Bearer <token>`` sends an interactive card (its JSON as the
``content`` string). Success is ``code`` 0; an invalid token (99991661, 99991663, 99991668) is
fetched again once.
"""

from __future__ import annotations

import json

from gongdan.channels.feishu.transport import message
from gongdan.channels.http import post_json, vendor_json
from gongdan.channels.models import ImApp
from gongdan.channels.tokens import cached_token

DEFAULT_BASE = "https://open.feishu.cn"
TOKEN_ERRORS = {99991661, 99991663, 99991668}


def _base(app: ImApp) -> str:
    return (app.api_base_url or DEFAULT_BASE).rstrip("/")


def tenant_token(app: ImApp, *, refresh: bool = False) -> str:
    def fetch() -> tuple[str, int]:
        url = f"{_base(app)}/open-apis/auth/v3/tenant_access_token/internal"
        data = vendor_json(
            post_json(url, {"app_id": app.app_key, "app_secret": app.app_secret}), code_key="code"
        )
        return str(data.get("tenant_access_token") or ""), int(data.get("expire") or 7200)

    return cached_token(app, fetch, refresh=refresh)


def send_user_message(app: ImApp, user_id: str, title: str, text: str) -> None:
    """Send a card to one user; ``ChannelError`` unless Feishu answers code 0."""
    card = message(title, text)["card"]
    payload = {"receive_id": user_id, "msg_type": "interactive", "content": json.dumps(card)}
    url = f"{_base(app)}/open-apis/im/v1/messages?receive_id_type=user_id"
    for refresh in (False, True):
        headers = {"Authorization": f"Bearer {tenant_token(app, refresh=refresh)}"}
        result = post_json(url, payload, headers=headers)
        if not refresh and result.json().get("code") in TOKEN_ERRORS:
            continue
        vendor_json(result, code_key="code")
        return
