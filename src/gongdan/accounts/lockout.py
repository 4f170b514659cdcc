"""Login lockout: too many failed sign-ins lock a login name, and a client address, for a while.

Counted per login name (whatever was typed, so an unknown name is counted like a known one and
the answer does not tell them apart) and per client IP, in the shared cache (the database cache
embedded, Redis in production: every web process sees the same counts). While a name or an
address is locked, the password is not even checked: guessing stops, the right password too
waits for the window to pass. A successful sign-in clears the name's count.

Every way in goes through it: the workspace's and the portal's sign-in forms and the Django
admin's (``LockoutMixin``), the portal's sign-up confirmation (the address as the name), and the
API's bearer tokens (``token_locked`` / ``token_failed``: an invalid token counts for the client
IP, shared with the sign-in forms, and for the token's prefix as its name).
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongdan.core import ratelimit

logger = logging.getLogger(__name__)

DEFAULTS = {
    "GONGDAN_LOGIN_WINDOW": 15 * 60,  # seconds a lock (and a count) lasts
    "GONGDAN_LOGIN_FAILURES_PER_NAME": 10,
    "GONGDAN_LOGIN_FAILURES_PER_IP": 50,
}


def _setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def _keys(request: HttpRequest | None, username: str) -> tuple[str, str]:
    name = ratelimit.digest(username.strip().lower())
    ip = ratelimit.digest(ratelimit.client_ip(request)) if request is not None else "none"
    return f"login:fail:name:{name}", f"login:fail:ip:{ip}"


def is_locked(request: HttpRequest | None, username: str) -> bool:
    by_name, by_ip = ratelimit.counts(*_keys(request, username))
    return by_name >= _setting("GONGDAN_LOGIN_FAILURES_PER_NAME") or by_ip >= _setting(
        "GONGDAN_LOGIN_FAILURES_PER_IP"
    )


def failed(request: HttpRequest | None, username: str) -> None:
    by_name, by_ip = _keys(request, username)
    window = _setting("GONGDAN_LOGIN_WINDOW")
    over = ratelimit.hit(by_name, _setting("GONGDAN_LOGIN_FAILURES_PER_NAME") - 1, window)
    over = ratelimit.hit(by_ip, _setting("GONGDAN_LOGIN_FAILURES_PER_IP") - 1, window) or over
    if over:
        logger.warning("sign-in locked after repeated failures (name digest %s)", by_name[-8:])


def succeeded(request: HttpRequest | None, username: str) -> None:
    ratelimit.reset(_keys(request, username)[0])


def retry_after(request: HttpRequest | None, username: str) -> int:
    """Seconds until a lock on ``username`` or the client address ends (0 when not locked)."""
    if not is_locked(request, username):
        return 0
    return max(ratelimit.seconds_left(key) for key in _keys(request, username))


def locked_message() -> str:
    minutes = max(1, _setting("GONGDAN_LOGIN_WINDOW") // 60)
    return str(LockoutMixin.lockout_message) % {"minutes": minutes}


def _token_name(token: str) -> str:
    # The prefix names the token (``gd_<prefix>_<secret>``); a malformed one counts as itself.
    parts = token.strip().split("_", 2)
    return "token:" + (parts[1] if len(parts) == 3 else token.strip()[:64])


def token_locked(request: HttpRequest, token: str) -> int:
    """Seconds a bearer-token request from this client must wait (0: check the token)."""
    return retry_after(request, _token_name(token))


def token_failed(request: HttpRequest, token: str) -> None:
    """Count an invalid bearer token for the client address and the token's prefix."""
    failed(request, _token_name(token))


class LockoutMixin:
    """For ``AuthenticationForm`` subclasses: refuse while locked, count failures."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]
    lockout_message = _(
        "Too many failed sign-ins. Please wait %(minutes)s minutes and try again, "
        "or set a new password."
    )

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        if username and is_locked(self.request, username):
            minutes = max(1, _setting("GONGDAN_LOGIN_WINDOW") // 60)
            raise forms.ValidationError(
                self.lockout_message, code="locked", params={"minutes": minutes}
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError as exc:
            if username and getattr(exc, "code", "") == "invalid_login":
                failed(self.request, username)
            raise
        if username:
            succeeded(self.request, username)
        return cleaned
