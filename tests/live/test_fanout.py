"""Fan-out on each backend: a hint published by one process reaches a stream's hub.

SQLite polls the change table; PostgreSQL uses LISTEN/NOTIFY; Redis pub/sub (db 4 of the
local server, offset by the xdist worker). Each test runs a real hub on an event loop and
publishes from a thread, committed, as another process would.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

import pytest
from django.db import OperationalError, connection

from gongdan.core import live
from gongdan.live.hub import Hub, Subscriber
from gongdan.live.visibility import Viewer
from tests.asyncrun import run as run_async

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER = Viewer(id=1, manager=True, teams=frozenset())
AGENT_ELSEWHERE = Viewer(id=2, manager=False, teams=frozenset({99}))


def _round_trip(hints: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """Start a hub, subscribe a manager and an agent of another team, publish ``hints``."""

    async def main() -> tuple[list[Any], list[Any]]:
        hub = Hub()
        manager, elsewhere = Subscriber(MANAGER), Subscriber(AGENT_ELSEWHERE)
        await hub.add(manager)
        await hub.add(elsewhere)
        await asyncio.sleep(0.3)  # let the source subscribe / LISTEN before publishing
        loop = asyncio.get_running_loop()
        for hint in hints:
            await loop.run_in_executor(None, _publish, hint)
        got = [await asyncio.wait_for(manager.queue.get(), 10) for _ in hints]
        await hub.stop()
        return got, [elsewhere.queue.get_nowait() for _ in range(elsewhere.queue.qsize())]

    return run_async(main())


def _publish(hint: dict[str, Any]) -> None:
    # The test database is SQLite in memory with a shared cache, whose table locks make a write
    # beside the hub's read fail at once ("database table is locked"); a file in WAL mode, as
    # deployed, has no such locks. Try again, as a busy timeout would.
    try:
        for attempt in range(50):
            try:
                live.publish("ticket", hint)
                return
            except OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.02)
    finally:
        connection.close()


HINTS = [
    {"t": "GD-1", "v": 2, "team": 7, "assignee": None, "watchers": []},
    {"t": "GD-2", "v": 5, "team": 8, "assignee": None, "watchers": [2]},
]


def _parse(frame: tuple[int, str]) -> tuple[str, dict[str, Any]]:
    """(kind, public data) of a queued SSE frame."""
    lines = dict(line.split(": ", 1) for line in frame[1].strip().split("\n"))
    assert lines["id"] == str(frame[0])
    return lines["event"], json.loads(lines["data"])


def _check(got: list[Any], elsewhere: list[Any]) -> None:
    assert [(kind, data["t"]) for kind, data in map(_parse, got)] == [
        ("ticket", "GD-1"),
        ("ticket", "GD-2"),
    ]
    assert "team" not in _parse(got[0])[1]  # visibility fields stay on the server
    assert got[0][0] < got[1][0]  # ids in order: the resume cursor
    assert [data["t"] for _kind, data in map(_parse, elsewhere)] == ["GD-2"]  # watches GD-2


def test_sqlite_polls_the_change_table(settings: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    settings.REDIS_URL = ""
    _check(*_round_trip(HINTS))


def test_postgresql_listen_notify(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL=postgres://…)")
    settings.REDIS_URL = ""
    _check(*_round_trip(HINTS))


def test_redis_pub_sub(settings: Any, monkeypatch: Any) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
    settings.REDIS_URL = f"redis://127.0.0.1:6379/{4 + int(worker) * 10}"
    monkeypatch.setattr(live, "_redis_client", None)
    try:
        _check(*_round_trip(HINTS))
    finally:
        live._redis_client = None


def test_a_push_after_a_gap_reads_the_missed_hints_from_the_table_in_order(
    settings: Any,
) -> None:
    settings.REDIS_URL = ""

    async def main() -> list[Any]:
        hub = Hub()  # no source task: pushes are fed by hand
        sub = Subscriber(MANAGER)
        hub.subscribers.add(sub)
        hub.cursor = await hub.run_db(live.last_id)
        loop = asyncio.get_running_loop()
        missed = await loop.run_in_executor(None, live.publish, "ticket", {"t": "A", "team": None})
        pushed = await loop.run_in_executor(None, live.publish, "ticket", {"t": "B", "team": None})
        assert pushed > missed
        await hub._push(live.encode(pushed, "ticket", {"t": "B", "team": None}))
        await hub._push(live.encode(pushed, "ticket", {"t": "B", "team": None}))  # twice: once
        await hub.stop()
        return [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]

    assert [_parse(frame)[1]["t"] for frame in run_async(main())] == ["A", "B"]
