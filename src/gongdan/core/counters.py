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
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

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


def window_hit(*, key: str, window: int, batch: int = 1) -> WindowCount:
    """Count one hit on ``key`` in the current ``window``-second window, for every process.

    ``key`` should not carry personal data in clear (use ``ratelimit.digest``). Writes one row
    (database shape) or one Redis key per key and window.

    ``batch`` > 1 (database shape only): a process adds its hits to the shared row ``batch`` at a
    time (and at its first hit of a window), answering in between with the shared count it last
    read plus its own pending hits. A write transaction per API request would queue every read
    behind SQLite's one writer; batched, the count is short by at most ``batch - 1`` hits per
    process, which callers bound (the API throttle: 1 % of its limit).
    """
    now = _now()
    index = int(now // window)
    retry_after = max(1, math.ceil((index + 1) * window - now))
    window_key = f"win:{key}:{window}:{index}"
    store: BaseCache = caches["default"]
    if isinstance(store, RedisCache | LocMemCache):
        count = _cache_hit(store, window_key, timeout=window + 1)
    else:
        expires = datetime.fromtimestamp((index + 1) * window, tz=UTC)
        count = _batched_row_hit(
            window_key, key=key, window=window, index=index, expires=expires, batch=batch
        )
    return WindowCount(count=count, retry_after=retry_after)


class _Pending:
    """Per (key, window length): [the window's index, the shared count last read, this
    process's hits not yet added to the row]."""

    lock = threading.Lock()
    slots: ClassVar[dict[tuple[str, int], list[int]]] = {}
    MAX_SLOTS = 10_000  # one per caller and window length; forgotten all at once beyond this


def _batched_row_hit(
    window_key: str, *, key: str, window: int, index: int, expires: datetime, batch: int
) -> int:
    with _Pending.lock:
        slot = _Pending.slots.get((key, window))
        if slot is not None and slot[0] == index and slot[2] + 1 < batch:
            slot[2] += 1
            return slot[1] + slot[2]
        if slot is None or slot[0] != index:  # this process's first hit in the window
            if len(_Pending.slots) >= _Pending.MAX_SLOTS:
                _Pending.slots.clear()
            slot = _Pending.slots[(key, window)] = [index, 0, 0]
        add, slot[2] = slot[2] + 1, 0
    count = _row_hit(window_key, expires=expires, add=add)
    with _Pending.lock:
        slot[1] = max(slot[1], count)
    return count


def _cache_hit(cache: BaseCache, key: str, *, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add() and incr(): this hit opens the window again
        cache.add(key, 1, timeout)
        return 1


def _row_hit(key: str, *, expires: datetime, add: int = 1) -> int:
    with transaction.atomic():
        if RateCounter.objects.filter(key=key).update(count=F("count") + add):
            # The UPDATE holds the row's lock until commit: the count read here is ours.
            return RateCounter.objects.values_list("count", flat=True).get(key=key)
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, count=add, expires_at=expires)
        except IntegrityError:  # another process opened the window first
            RateCounter.objects.filter(key=key).update(count=F("count") + add)
            return RateCounter.objects.values_list("count", flat=True).get(key=key)
        # A new window opened: windows that have ended are of no use any more.
        RateCounter.objects.filter(expires_at__lt=datetime.fromtimestamp(_now(), tz=UTC)).delete()
        return add
