"""Access tokens of IM apps, cached in the app's row (shared by every process)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from gongdan.channels.http import ChannelError

EARLY = 300  # seconds: refresh a token this long before it expires


def cached_token(app: Any, fetch: Callable[[], tuple[str, int]], *, refresh: bool) -> str:
    """``app.access_token`` while valid; otherwise ``fetch()`` → (token, lifetime s), stored."""
    now = timezone.now()
    if not refresh and app.access_token and app.token_expires_at and app.token_expires_at > now:
        return str(app.access_token)
    token, lifetime = fetch()
    if not token:
        raise ChannelError("the token endpoint answered without a token")
    app.access_token = token
    app.token_expires_at = now + timedelta(seconds=max(lifetime - EARLY, 60))
    type(app).objects.filter(pk=app.pk).update(
        access_token=token, token_expires_at=app.token_expires_at
    )
    return token
