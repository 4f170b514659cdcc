"""Fixed-window counters in the shared cache (DB cache embedded, Redis in production).

Counters live in the cache rather than in process memory so that every web worker sees the same
count. Keys carry a digest of what is counted (an address, a login name), never the value.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The peer address; behind the configured proxy, the address the proxy appended last."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def hit(key: str, limit: int, window: int) -> bool:
    """Count one hit on ``key``; True when the window's count now exceeds ``limit``."""
    if cache.add(key, 0, window):
        cache.set(f"{key}:ends", time.time() + window, window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, window)
        cache.set(f"{key}:ends", time.time() + window, window)
        count = 1
    return count > limit


def counts(*keys: str) -> list[int]:
    """Each key's count so far (0 when none), read in one round trip (one query on the
    database cache: checked on every API request)."""
    found = cache.get_many(list(keys))
    return [int(found.get(key) or 0) for key in keys]


def seconds_left(key: str) -> int:
    """Seconds until ``key``'s window ends (at least 1; 0 when no window is open), for
    ``Retry-After``."""
    ends = cache.get(f"{key}:ends")
    if ends is None:
        return 0 if cache.get(key) is None else 1
    return max(1, int(float(ends) - time.time() + 0.999))


def reset(key: str) -> None:
    cache.delete_many([key, f"{key}:ends"])
