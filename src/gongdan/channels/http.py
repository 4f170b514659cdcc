"""The one small HTTP client every outbound channel uses (standard library, no proxies).

Vendors answer HTTP 200 with an error code in the body, so callers check the body too; this
module only reports what came back. Environment proxies are ignored on purpose: the targets are
usually on the intranet, and a proxy must not see signed payloads by accident. Redirects are not
followed (a 3xx is a failed delivery), so signatures and payloads go only where configured.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

READ_LIMIT = 64 * 1024
USER_AGENT = "gongdan-channels/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer, not an instruction: signed requests never follow it elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


class ChannelError(Exception):
    """A delivery that did not go through (network error, HTTP error or a vendor error code)."""


@dataclass(frozen=True)
class HttpResult:
    status: int | None
    text: str
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300

    def json(self) -> dict[str, Any]:
        try:
            value = json.loads(self.text)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def describe(self) -> str:
        if self.error:
            return self.error
        return f"HTTP {self.status}: {self.text[:200]}"


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
) -> HttpResult:
    """Send one request; never raises for network or HTTP errors (they are in the result)."""
    if not url.lower().startswith(("http://", "https://")):
        return HttpResult(status=None, text="", duration_ms=0, error="unsupported URL scheme")
    head = {"User-Agent": USER_AGENT, **(headers or {})}
    req = urllib.request.Request(url, data=body, headers=head, method=method)  # noqa: S310
    timeout = timeout if timeout is not None else settings.GONGDAN_WEBHOOK_TIMEOUT
    started = time.monotonic()
    status: int | None = None
    text = ""
    error = ""
    try:
        with _opener.open(req, timeout=timeout) as response:
            status = response.status
            text = response.read(READ_LIMIT).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = exc.code
        text = exc.read(READ_LIMIT).decode("utf-8", "replace") if exc.fp else ""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:500]
    duration = int((time.monotonic() - started) * 1000)
    return HttpResult(status=status, text=text, duration_ms=duration, error=error)


def post_json(
    url: str,
    payload: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
) -> HttpResult:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    head = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return request("POST", url, body=body, headers=head, timeout=timeout)


def vendor_json(result: HttpResult, code_key: str = "errcode") -> dict[str, Any]:
    """The vendor's JSON answer when it says success (code 0); ``ChannelError`` otherwise."""
    if not result.ok:
        raise ChannelError(result.describe())
    data = result.json()
    code = data.get(code_key)
    if code != 0:
        raise ChannelError(f"{code_key}={code!r}: {result.text[:200]}")
    return data
