"""WeCom: group robots (群机器人) and the self-built app's message API.

- Group robot: POST ``{"msgtype": "markdown", "markdown": {"content": ...}}`` to the robot's
  webhook URL (the key is in the URL, there is no signature); success is ``errcode`` 0.
- App messages: ``GET cgi-bin/gettoken?corpid=&corpsecret=`` gives an access token (cached in
  the ``WecomApp`` row, shared by every process, refreshed 5 minutes before it expires), then
  ``POST cgi-bin/message/send?access_token=`` with ``touser`` = the user's WeCom userid. An
  expired or invalid token (40001, 40014, 42001) is fetched again once.
"""

from __future__ import annotations

import urllib.parse

from gongdan.channels.http import post_json, request, vendor_json
from gongdan.channels.models import WecomApp
from gongdan.channels.tokens import cached_token

MARKDOWN_MAX_BYTES = 4096
TOKEN_ERRORS = {40001, 40014, 42001}


def fit(text: str, limit: int = MARKDOWN_MAX_BYTES) -> str:
    """Cut ``text`` to WeCom's markdown limit (bytes of UTF-8), on a character boundary."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def send_robot(webhook_url: str, secret: str, title: str, text: str) -> None:
    """Post a markdown message to a group robot; ``secret`` is unused (the key is in the URL)."""
    payload = {"msgtype": "markdown", "markdown": {"content": fit(f"### {title}\n{text}")}}
    vendor_json(post_json(webhook_url, payload))


def _api(app: WecomApp, path: str) -> str:
    return f"{app.api_base_url.rstrip('/')}/cgi-bin/{path}"


def access_token(app: WecomApp, *, refresh: bool = False) -> str:
    def fetch() -> tuple[str, int]:
        query = urllib.parse.urlencode({"corpid": app.corp_id, "corpsecret": app.secret})
        data = vendor_json(request("GET", f"{_api(app, 'gettoken')}?{query}"))
        return str(data.get("access_token") or ""), int(data.get("expires_in") or 7200)

    return cached_token(app, fetch, refresh=refresh)


def send_app_message(app: WecomApp, touser: str, content: str) -> None:
    """Send a markdown message from the app to one user; ``ChannelError`` unless errcode 0."""
    payload = {
        "touser": touser,
        "msgtype": "markdown",
        "agentid": app.agent_id,
        "markdown": {"content": fit(content)},
    }
    for refresh in (False, True):
        token = access_token(app, refresh=refresh)
        url = f"{_api(app, 'message/send')}?{urllib.parse.urlencode({'access_token': token})}"
        result = post_json(url, payload)
        if result.ok and result.json().get("errcode") in TOKEN_ERRORS and not refresh:
            continue
        vendor_json(result)
        return
