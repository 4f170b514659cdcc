"""DingTalk work notifications (工作通知) from a self-built app to one user.

``GET /gettoken?appkey=&appsecret=`` gives the access token (cached in the ``ImApp`` row);
``POST /topapi/message/corpconversation/asyncsend_v2?access_token=`` with ``agent_id``,
``userid_list`` and a markdown ``msg`` sends it. Success is ``errcode`` 0; an invalid or expired
token (40014, 42001) is fetched again once.
"""

from __future__ import annotations

import urllib.parse

from gongdan.channels.http import post_json, request, vendor_json
from gongdan.channels.models import ImApp
from gongdan.channels.tokens import cached_token

DEFAULT_BASE = "https://oapi.dingtalk.com"
TOKEN_ERRORS = {40014, 42001}


def _base(app: ImApp) -> str:
    return (app.api_base_url or DEFAULT_BASE).rstrip("/")


def access_token(app: ImApp, *, refresh: bool = False) -> str:
    def fetch() -> tuple[str, int]:
        query = urllib.parse.urlencode({"appkey": app.app_key, "appsecret": app.app_secret})
        data = vendor_json(request("GET", f"{_base(app)}/gettoken?{query}"))
        return str(data.get("access_token") or ""), int(data.get("expires_in") or 7200)

    return cached_token(app, fetch, refresh=refresh)


def send_work_notification(app: ImApp, userid: str, title: str, text: str) -> None:
    """Send a markdown work notification; ``ChannelError`` unless DingTalk answers errcode 0."""
    payload = {
        "agent_id": app.agent_id,
        "userid_list": userid,
        "msg": {"msgtype": "markdown", "markdown": {"title": title, "text": text}},
    }
    for refresh in (False, True):
        token = access_token(app, refresh=refresh)
        query = urllib.parse.urlencode({"access_token": token})
        url = f"{_base(app)}/topapi/message/corpconversation/asyncsend_v2?{query}"
        result = post_json(url, payload)
        if not refresh and result.ok and result.json().get("errcode") in TOKEN_ERRORS:
            continue
        vendor_json(result)
        return
