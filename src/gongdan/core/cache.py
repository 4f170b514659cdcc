"""Per-process caches of a few database rows that hot paths read on every request.

Each web process keeps the value for ``ttl`` seconds; a save or delete of one of the rows it
depends on *in this process* drops it at once (``invalidate_on``), other processes see the change
within ``ttl`` seconds. Only data whose short staleness is harmless goes here (ticket types, team
settings, SLA policies, the search dictionary, calendar specs); counters, locks and anything
another process must see at once live in the database or the shared cache instead.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

# Every cache's "forget everything" (tests: a rolled-back test must not leave rows behind).
_clearers: list[Callable[[], Any]] = []


def _track(clear: Callable[[], Any]) -> None:
    if clear not in _clearers:
        _clearers.append(clear)


def clear_all() -> None:
    """Forget every per-process cache built on this module (tests call it around each test)."""
    for clear in list(_clearers):
        clear()


def invalidate_on(
    callback: Callable[..., Any], *models: type[Model], m2m: tuple[Any, ...] = (), uid: str
) -> None:
    """Call ``callback`` after every save or delete of ``models`` and every change of the
    ``m2m`` through tables, in this process (``uid`` keeps the connections unique); also from
    :func:`clear_all`."""
    _track(callback)
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(callback, sender=model, weak=False, dispatch_uid=f"{uid}-{model}")
    for through in m2m:
        m2m_changed.connect(callback, sender=through, weak=False, dispatch_uid=f"{uid}-{through}")


class ProcessCache[T]:
    """A value built by ``load`` and kept for ``ttl`` seconds (per process, thread-safe)."""

    def __init__(self, load: Callable[[], T], *, ttl: float) -> None:
        self._load = load
        self.ttl = ttl
        self._lock = threading.Lock()
        self._state: tuple[float, T] | None = None
        _track(self.invalidate)

    def get(self) -> T:
        state = self._state
        if state is not None and time.monotonic() < state[0]:
            return state[1]
        with self._lock:
            value = self._load()
            self._state = (time.monotonic() + self.ttl, value)
            return value

    def previous(self) -> T | None:
        """The last value built, even expired or invalidated (for a loader to reuse)."""
        state = self._state
        return state[1] if state is not None else None

    def invalidate(self, **_kwargs: Any) -> None:
        """Make the next read load again (a signal receiver: ignores the signal's arguments).

        The old value stays readable through :meth:`previous`, so a loader whose inputs did not
        change can keep its expensive parts (the search tokenizer keeps its segmenter).
        """
        state = self._state
        if state is not None:
            self._state = (float("-inf"), state[1])

    def invalidate_on(self, *models: type[Model], m2m: tuple[Any, ...] = (), uid: str) -> None:
        invalidate_on(self.invalidate, *models, m2m=m2m, uid=uid)


class LruCache[K: Hashable, V]:
    """The last ``size`` values by key (per process, thread-safe); for keys that name a version,
    so an entry never goes stale, it only falls out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()
        _track(self.clear)

    def get(self, key: K, build: Callable[[], V]) -> V:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
        value = build()  # outside the lock: building may query the database
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
