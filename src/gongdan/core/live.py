"""The live-update bus: small hints that something changed, for the workspace's open pages.

``publish(kind, data)`` writes a ``LiveEvent`` row (its id is the cursor every reader resumes
from) and, where the deployment has one, pushes the same event at once:

- ``REDIS_URL`` set: Redis ``PUBLISH`` on :data:`REDIS_CHANNEL`;
- PostgreSQL: ``NOTIFY`` on :data:`PG_CHANNEL` (sent when the inserting transaction commits);
- SQLite: nothing more; the streams poll the table by id (an index range scan from their cursor).

Services call ``publish_on_commit``: the hint is built and published after the transaction
commits (never for a rollback), once per key and transaction. A hint is only a hint: it names
what changed (a ticket number and version, who, what kind); readers fetch the real data through
the normal, permission-checked pages. Losing one costs a late refresh, never data.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from gongdan.core.models import LiveEvent

logger = logging.getLogger(__name__)

REDIS_CHANNEL = "gongdan:live"
PG_CHANNEL = "gongdan_live"
#: How long rows stay: a stream or poller further behind than this reloads its page.
LIVE_KEEP = timedelta(minutes=10)
PRUNE_EVERY_SECONDS = 60.0
PG_PAYLOAD_MAX = 7000  # NOTIFY payloads must stay under 8000 bytes: larger ones carry the id only

Build = Callable[[], tuple[str, dict[str, Any]] | None]

_last_prune = 0.0
_redis_client: Any = None


def backend() -> str:
    """``redis``, ``postgres`` or ``sqlite``: how hints reach the streams."""
    if settings.REDIS_URL:
        return "redis"
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def encode(event_id: int, kind: str, data: dict[str, Any]) -> str:
    return json.dumps({"id": event_id, "kind": kind, "data": data}, cls=DjangoJSONEncoder)


def _redis() -> Any:
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    return _redis_client


def publish(kind: str, data: dict[str, Any]) -> int:
    """Store the hint and push it to the streams; returns its id (the readers' cursor)."""
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    event = LiveEvent.objects.create(kind=kind, data=data)
    message = encode(event.pk, kind, data)
    how = backend()
    try:
        if how == "redis":
            _redis().publish(REDIS_CHANNEL, message)
        elif how == "postgres":
            if len(message.encode()) > PG_PAYLOAD_MAX:
                message = json.dumps({"id": event.pk})
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, message])
    except Exception:  # the row is kept: streams catch up from it, pollers read it
        logger.warning("live: could not push event %s", event.pk, exc_info=True)
    _maybe_prune()
    return event.pk


def _maybe_prune() -> None:
    global _last_prune
    now = time.monotonic()
    if now - _last_prune < PRUNE_EVERY_SECONDS:
        return
    _last_prune = now
    prune()


def prune() -> int:
    """Delete rows older than ``LIVE_KEEP``; returns how many."""
    deleted, _ = LiveEvent.objects.filter(created_at__lt=timezone.now() - LIVE_KEEP).delete()
    return deleted


def publish_on_commit(key: tuple[Any, ...], build: Build) -> None:
    """Publish what ``build`` returns once the current transaction commits, once per ``key``.

    Several changes of one ticket in one transaction (an assignment that also moves the status)
    make one hint, built after commit from the final state.
    """
    if not connection.in_atomic_block:
        _run(build)
        return
    hooks = connection.run_on_commit
    pending: tuple[Any, dict[tuple[Any, ...], list[bool]]] | None = getattr(
        connection, "_gd_live_pending", None
    )
    if pending is None or pending[0] is not hooks:  # a new transaction (commit/rollback renew it)
        pending = (hooks, {})
        connection._gd_live_pending = pending  # type: ignore[attr-defined]
    done = pending[1].get(key)
    if done is not None and not done[0]:
        return  # the hint of this key, due at this commit, is built from the final state
    done = [False]
    pending[1][key] = done

    def run() -> None:
        done[0] = True
        _run(build)

    transaction.on_commit(run)


def _run(build: Build) -> None:
    try:
        made = build()
        if made is not None:
            publish(*made)
    except Exception:  # a hint must never break the request that made the change
        logger.exception("live: could not publish a hint")


def read_since(cursor: int, *, limit: int = 200) -> list[tuple[int, str, dict[str, Any]]]:
    """The hints after ``cursor``, oldest first (an index range scan on the primary key)."""
    rows = LiveEvent.objects.filter(pk__gt=cursor).order_by("pk")[:limit]
    return [(row.pk, row.kind, row.data) for row in rows]


def last_id() -> int:
    """The newest hint's id (0 when there is none): where a new reader starts."""
    newest = LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(newest or 0)


def oldest_id() -> int:
    oldest = LiveEvent.objects.order_by("pk").values_list("pk", flat=True).first()
    return int(oldest or 0)
