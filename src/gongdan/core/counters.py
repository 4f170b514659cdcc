"""Fixed-window counters shared by every web process, counted atomically.

A window of ``window`` seconds starts at a multiple of ``window`` on the clock, so every process
agrees on which window a hit falls in and on when it ends: the seconds left are the honest
``Retry-After``. Where the count lives follows the cache that is configured:

- Redis (``REDIS_URL`` set): ``add`` then ``INCR`` on a key named after the window; Redis's
  ``INCR`` is atomic, so concurrent workers never lose a hit.
- The database cache (the embedded shape): its ``incr`` is a read then a write, and two workers
  would both write the same number, so the count lives in a ``RateCounter`` row bumped with
  ``UPDATE ... SET count = count + 1`` inside a transaction, which the database serialises.
- The in-memory cache (development and tests): one process only, its ``incr`` holds a lock.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F

from gongdan.core.models import RateCounter

# Read through a name of this module so that tests can stand the clock still.
_now = time.time


@dataclass(frozen=True, slots=True)
class WindowCount:
    """How many hits the current window holds (this one included) and when the window ends."""

    count: int
    retry_after: int  # whole seconds until the next window opens, at least 1


def window_hit(*, key: str, window: int) -> WindowCount:
    """Count one hit on ``key`` in the current ``window``-second window, for every process.

    ``key`` should not carry personal data in clear (use ``ratelimit.digest``). Writes one row
    (database shape) or one Redis key per key and window.
    """
    now = _now()
    index = int(now // window)
    retry_after = max(1, math.ceil((index + 1) * window - now))
    window_key = f"win:{key}:{window}:{index}"
    store: BaseCache = caches["default"]
    if isinstance(store, RedisCache | LocMemCache):
        count = _cache_hit(store, window_key, timeout=window + 1)
    else:
        count = _row_hit(window_key, expires=datetime.fromtimestamp((index + 1) * window, tz=UTC))
    return WindowCount(count=count, retry_after=retry_after)


def _cache_hit(cache: BaseCache, key: str, *, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add() and incr(): this hit opens the window again
        cache.add(key, 1, timeout)
        return 1


def _row_hit(key: str, *, expires: datetime) -> int:
    with transaction.atomic():
        if RateCounter.objects.filter(key=key).update(count=F("count") + 1):
            # The UPDATE holds the row's lock until commit: the count read here is ours.
            return RateCounter.objects.values_list("count", flat=True).get(key=key)
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, count=1, expires_at=expires)
        except IntegrityError:  # another process opened the window first
            RateCounter.objects.filter(key=key).update(count=F("count") + 1)
            return RateCounter.objects.values_list("count", flat=True).get(key=key)
        # A new window opened: windows that have ended are of no use any more.
        RateCounter.objects.filter(expires_at__lt=datetime.fromtimestamp(_now(), tz=UTC)).delete()
        return 1
