"""How the REST API knows who is calling: personal API tokens and the browser session.

Authentication belongs to the accounts app (users, tokens); ``core.api_support`` keeps what every
router shares that does not know about users (throttling, rendering, the error shape).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from gongdan.accounts import lockout
from gongdan.accounts.models import User
from gongdan.accounts.services import token_authenticate
from gongdan.core.errors import DomainError, TooManyRequests


# --- Authentication ------------------------------------------------------------------------------
class BearerAuth(HttpBearer):
    """``Authorization: Bearer gd_<prefix>_<secret>``: a personal API token (no CSRF needed)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # A client that sent too many invalid tokens waits; its tokens are not even checked.
        wait = lockout.token_locked(request, token)
        if wait:
            raise TooManyRequests(
                "auth.locked",
                _("Too many invalid API tokens from this address. Try again later."),
                retry_after=wait,
            )
        user = token_authenticate(token)
        if user is None:
            lockout.token_failed(request, token)
            return None
        request.user = user
        if user.language:
            # The session middleware picks the user's language for browsers; do it for tokens.
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, as used by the workspace's own scripts and the docs page.

    Unlike ninja's ``SessionAuth``, an anonymous request answers 401 (not a CSRF 403); a signed-in
    request that changes something must carry the CSRF token (``X-CSRFToken``) or gets 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise DomainError(
                "csrf_failed", _("CSRF check failed. Reload the page and try again."), status=403
            )
        return user


def api_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (every operation requires authentication)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user
