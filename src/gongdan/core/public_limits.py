"""Rate limits of the public, signed-out forms (portal lookup, web form, password links), on
``core.ratelimit``'s shared counters. Limits are settings so that operators (and tests) can tune
them. Here rather than in ``portal`` because the web form channel (below the portal) counts too."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from gongdan.core.ratelimit import client_ip
from gongdan.core.ratelimit import digest as _digest
from gongdan.core.ratelimit import hit as _hit

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
    "GONGDAN_REGISTER_WINDOW": 60 * 60,  # seconds
    "GONGDAN_REGISTER_IP_LIMIT": 10,  # sign-ups per client IP
    "GONGDAN_REGISTER_ADDRESS_LIMIT": 3,  # per email address (known or not)
}


def _setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


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


def register_limited(request: HttpRequest, *, address: str) -> bool:
    """Count a sign-up for the client IP and the address (known or not: the count must not tell
    them apart); True when either is over its limit."""
    window = _setting("GONGDAN_REGISTER_WINDOW")
    by_ip = _hit(
        f"register:ip:{_digest(client_ip(request))}", _setting("GONGDAN_REGISTER_IP_LIMIT"), window
    )
    by_address = _hit(
        f"register:addr:{_digest(address.strip().lower())}",
        _setting("GONGDAN_REGISTER_ADDRESS_LIMIT"),
        window,
    )
    return by_ip or by_address
