"""Huey classes whose consumers enqueue periodic jobs only while they hold the scheduler lease.

Every ``gongdan worker`` runs Huey's scheduler, but ``read_periodic`` answers only in the process
holding the ``periodic`` lease (renewed each minute, 150 s long): with several consumers each
periodic job is enqueued once per tick, and when the holder dies another takes over within a few
minutes. Settings pick the storage: ``SqliteHuey`` (one host) or ``RedisHuey`` (``REDIS_URL``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import huey

logger = logging.getLogger(__name__)

PERIODIC_LEASE = "periodic"
PERIODIC_LEASE_TTL = timedelta(seconds=150)


class _PeriodicLeaseMixin:
    def read_periodic(self, timestamp: Any) -> list[Any]:
        from django.db import close_old_connections, connection

        from gongdan.jobs.lease import lease_hold

        # The scheduler thread lives long: like Huey's db tasks, start and end with a healthy
        # connection (never inside a transaction, as in tests, where closing would lose it).
        tidy = not connection.in_atomic_block
        try:
            if tidy:
                close_old_connections()
            held = lease_hold(PERIODIC_LEASE, ttl=PERIODIC_LEASE_TTL)
        except Exception:  # the database is away: enqueue nothing this tick, try again next
            logger.exception("could not take the periodic-scheduler lease")
            return []
        finally:
            if tidy:
                close_old_connections()
        if not held:
            return []
        return super().read_periodic(timestamp)  # type: ignore[misc]


class SqliteHuey(_PeriodicLeaseMixin, huey.SqliteHuey):
    """The embedded queue: a SQLite file in the data dir."""


class RedisHuey(_PeriodicLeaseMixin, huey.RedisHuey):
    """The shared queue for several hosts."""
