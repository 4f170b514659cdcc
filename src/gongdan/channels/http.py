"""The one small HTTP client every outbound channel uses (standard library, no proxies).

Vendors answer HTTP 200 with an error code in the body, so callers check the body too; this
module only reports what came back. Environment proxies are ignored on purpose: a proxy must not
see signed payloads by accident. Redirects are not followed (a 3xx is a failed delivery), so
signatures and payloads go only where configured.

Admins type the URLs (webhooks, group robots, an app's API base), and the answer is shown to
them: left open, that is a way to read the desk's own network (cloud metadata at
169.254.169.254, services on loopback or the intranet). So every request resolves the host name
once, refuses it unless every address is public or inside ``GONGDAN_WEBHOOK_ALLOWED_NETWORKS``,
and connects to that checked address (TLS still names and verifies the host), so a name that
re-resolves elsewhere between the check and the connection (DNS rebinding) cannot get past.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

READ_LIMIT = 64 * 1024
USER_AGENT = "gongdan-channels/1"
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# --- which addresses may be reached -------------------------------------------------------------
@cache
def _networks(texts: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(text, strict=False) for text in texts)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"GONGDAN_WEBHOOK_ALLOWED_NETWORKS must be CIDR networks (e.g. 10.20.0.0/16): {exc}"
        ) from exc


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(getattr(settings, "GONGDAN_WEBHOOK_ALLOWED_NETWORKS", ()) or ()))


def _forms(ip: IPAddress) -> list[IPAddress]:
    """The address and any IPv4 address carried inside it (mapped, 6to4, Teredo, NAT64)."""
    forms: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        forms += [v4 for v4 in embedded if v4 is not None]
    return forms


def address_allowed(address: str) -> bool:
    """A public unicast address, or one inside ``GONGDAN_WEBHOOK_ALLOWED_NETWORKS``."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    except ValueError:
        return False
    forms = _forms(ip)
    networks = allowed_networks()
    if any(form in net for form in forms for net in networks if form.version == net.version):
        return True
    return all(form.is_global and not form.is_multicast for form in forms)


class AddressRefused(Exception):
    """The host resolves to an address outside the public internet and the allowed networks."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}")
        self.host, self.address = host, address


def checked_address(host: str, port: int) -> str:
    """The one address to connect to: resolve once, every address must be allowed.

    ``AddressRefused`` when any is not (a name with one private address among public ones is
    refused too); ``OSError`` when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not address_allowed(address):
            raise AddressRefused(host, address)
    return addresses[0]


def refused_address(url: str) -> str | None:
    """For checking a URL as it is saved: the refused address its host resolves to, else None.

    A name that does not resolve now is not refused here (the intranet's DNS may differ at
    delivery); every delivery checks again.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        checked_address(host, port)
    except AddressRefused as exc:
        return exc.address
    except (OSError, ValueError, UnicodeError):
        return None
    return None


def refused_url_message(url: str) -> str | None:
    """The translated reason an admin may not save ``url`` (None when it may be saved)."""
    address = refused_address(url)
    if address is None:
        return None
    return _(
        "%(address)s is a local or private network address. Only public addresses can be "
        "used, unless the server's GONGDAN_WEBHOOK_ALLOWED_NETWORKS setting allows that network."
    ) % {"address": address}


# --- connections pinned to the checked address ----------------------------------------------------
def _pinned(address: str) -> Any:
    def create_connection(
        target: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        return socket.create_connection((address, target[1]), timeout, source_address)

    return create_connection


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._create_connection = _pinned(address)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to ``address``; SNI and certificate verification use the host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._create_connection = _pinned(address)


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
    """Send one request; never raises for network or HTTP errors, or for a refused address
    (they are in the result)."""
    started = time.monotonic()
    status: int | None = None
    text = ""
    error = ""
    try:
        status, text = _exchange(method, url, body=body, headers=headers, timeout=timeout)
    except AddressRefused as exc:
        error = (
            f"refused: {exc.host} resolves to {exc.address}, which is not a public address "
            "(GONGDAN_WEBHOOK_ALLOWED_NETWORKS allows chosen networks)"
        )
    except _Unsupported:
        error = "unsupported URL scheme"
    except (OSError, ValueError, UnicodeError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration = int((time.monotonic() - started) * 1000)
    return HttpResult(status=status, text=text, duration_ms=duration, error=error)


class _Unsupported(Exception):
    pass


def _exchange(
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: dict[str, str] | None,
    timeout: float | None,
) -> tuple[int, str]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise _Unsupported
    host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    address = checked_address(host, port)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    timeout = timeout if timeout is not None else settings.GONGDAN_WEBHOOK_TIMEOUT
    conn = connection_class(host, port, address=address, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(
            method, target, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        response = conn.getresponse()
        return response.status, response.read(READ_LIMIT).decode("utf-8", "replace")
    finally:
        conn.close()


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
