"""Fixed-window counters in the shared cache (DB cache embedded, Redis in production).

Counters live in the cache rather than in process memory so that every web worker sees the same
count. Limits are settings so that operators (and tests) can tune them.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULTS = {
    "GONGDAN_PORTAL_LOOKUP_WINDOW": 15 * 60,  # seconds
    "GONGDAN_PORTAL_LOOKUP_IP_LIMIT": 20,  # lookup requests and code tries per client IP
    "GONGDAN_PORTAL_LOOKUP_PAIR_LIMIT": 10,  # per ticket number + address
    "GONGDAN_WEBFORM_WINDOW": 60 * 60,  # seconds
    "GONGDAN_WEBFORM_IP_LIMIT": 20,  # web form submissions per client IP
    "GONGDAN_WEBFORM_ADDRESS_LIMIT": 5,  # per email address or mobile number
    "GONGDAN_PASSWORD_RESET_WINDOW": 60 * 60,  # seconds
    "GONGDAN_PASSWORD_RESET_IP_LIMIT": 10,  # password link requests per client IP
    "GONGDAN_PASSWORD_RESET_ADDRESS_LIMIT": 3,  # per email address (known or not)
}


def _setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def client_ip(request: HttpRequest) -> str:
    """The peer address; behind the configured proxy, the address the proxy appended last."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one hit on ``key``; True when the window's count now exceeds ``limit``."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count > limit


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def lookup_limited(request: HttpRequest, *, number: str, address: str) -> bool:
    """Count a lookup step for the client IP and for the pair; True when either is over."""
    window = _setting("GONGDAN_PORTAL_LOOKUP_WINDOW")
    by_ip = _hit(
        f"portal:lookup:ip:{_digest(client_ip(request))}",
        _setting("GONGDAN_PORTAL_LOOKUP_IP_LIMIT"),
        window,
    )
    by_pair = _hit(
        f"portal:lookup:pair:{_digest(number, address)}",
        _setting("GONGDAN_PORTAL_LOOKUP_PAIR_LIMIT"),
        window,
    )
    return by_ip or by_pair


def webform_limited(request: HttpRequest, *, addresses: list[str]) -> bool:
    """Count a web form submission for the client IP and each address; True when one is over."""
    window = _setting("GONGDAN_WEBFORM_WINDOW")
    over = _hit(
        f"webform:ip:{_digest(client_ip(request))}", _setting("GONGDAN_WEBFORM_IP_LIMIT"), window
    )
    for address in addresses:
        over = (
            _hit(
                f"webform:addr:{_digest(address.lower())}",
                _setting("GONGDAN_WEBFORM_ADDRESS_LIMIT"),
                window,
            )
            or over
        )
    return over


def password_reset_limited(request: HttpRequest, *, address: str) -> bool:
    """Count a password link request for the client IP and the address (known or not: the
    count must not tell them apart); True when either is over its limit."""
    window = _setting("GONGDAN_PASSWORD_RESET_WINDOW")
    by_ip = _hit(
        f"password:ip:{_digest(client_ip(request))}",
        _setting("GONGDAN_PASSWORD_RESET_IP_LIMIT"),
        window,
    )
    by_address = _hit(
        f"password:addr:{_digest(address.strip().lower())}",
        _setting("GONGDAN_PASSWORD_RESET_ADDRESS_LIMIT"),
        window,
    )
    return by_ip or by_address
