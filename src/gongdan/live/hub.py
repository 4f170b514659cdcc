"""One hub per web process (per event loop): a single source of hints fanned out to every
stream the process holds. The source is the deployment's (``core.live.backend``):

- ``redis``: one pub/sub subscription (``redis.asyncio``);
- ``postgres``: one ``LISTEN`` connection (psycopg's async connection, autocommit);
- ``sqlite``: one poll of ``core_liveevent`` by id every ``POLL_SECONDS`` (an index range scan
  from the cursor; nothing is read when nothing changed).

After a (re)connection the hub reads the table from its cursor, so a hint published while the
source was away is not lost. A stream whose queue overflows is closed; the browser reconnects
with ``Last-Event-ID`` and catches up from the table.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, connections

from gongdan.core import live
from gongdan.live.visibility import Viewer, public, wants

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
RECONNECT_SECONDS = 1.0
QUEUE_SIZE = 256

Event = tuple[int, str, dict[str, Any]]
Frame = tuple[int, str]  # (event id, the SSE text a stream writes)


def sse_frame(event: Event) -> str:
    """The event as the browser gets it: id, kind and the public fields only."""
    event_id, kind, data = event
    return f"id: {event_id}\nevent: {kind}\ndata: {json.dumps(public(kind, data))}\n\n"


@dataclass(eq=False)
class Subscriber:
    viewer: Viewer
    queue: asyncio.Queue[Frame | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )

    def wants(self, event: Event) -> bool:
        return wants(self.viewer, event[1], event[2])

    def offer(self, event: Event, frame: str) -> bool:
        """Queue ``frame`` if this viewer may have ``event``; False when the queue overflowed."""
        if not self.wants(event):
            return True
        try:
            self.queue.put_nowait((event[0], frame))
        except asyncio.QueueFull:
            return False
        return True


class Hub:
    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.cursor = 0
        self.task: asyncio.Task[None] | None = None
        # One thread for the hub's database reads: it keeps its connection between polls.
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongdan-live")

    async def run_db(self, fn: Any, *args: Any) -> Any:
        def call() -> Any:
            try:
                return fn(*args)
            finally:
                if not connection.in_atomic_block:
                    close_old_connections()

        return await asyncio.get_running_loop().run_in_executor(self.db, call)

    async def add(self, sub: Subscriber) -> None:
        self.subscribers.add(sub)
        if self.task is None or self.task.done():  # no await before this: one source only
            self.task = asyncio.create_task(self._run(), name="gongdan-live-hub")
            self.cursor = -1  # set by the source before it reads anything
        while self.cursor < 0 and not self.task.done():
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop the source and close the hub's database connection (tests, shutdown)."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await asyncio.get_running_loop().run_in_executor(self.db, connections.close_all)
        self.db.shutdown(wait=False)
        _hubs.pop(asyncio.get_running_loop(), None)

    def remove(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

    def dispatch(self, event: Event) -> None:
        if event[0] <= self.cursor:
            return  # seen already (a catch-up read and a push may both bring it)
        self.cursor = event[0]
        frame = sse_frame(event)  # formatted once for every stream
        for sub in list(self.subscribers):
            if not sub.offer(event, frame):
                self.subscribers.discard(sub)
                _close(sub)

    async def catch_up(self) -> None:
        while True:
            rows = await self.run_db(live.read_since, self.cursor)
            for row in rows:
                self.dispatch(row)
            if len(rows) < 200:
                return

    async def _run(self) -> None:
        how = await self.run_db(live.backend)
        self.cursor = await self.run_db(live.last_id)
        source = {"redis": self._redis, "postgres": self._postgres}.get(how, self._poll)
        while True:
            try:
                await source()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("live: %s source failed; reconnecting", how, exc_info=True)
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _poll(self) -> None:
        """SQLite: read new rows by primary key on the event loop itself, from a connection of
        its own. The query takes microseconds; going through a thread instead would wait for
        the GIL at every step while a request thread renders a page (measured: seconds)."""
        name = str(connection.settings_dict["NAME"])
        db = sqlite3.connect(name, uri=name.startswith("file:"), timeout=5, isolation_level=None)
        try:
            await self.catch_up()
            while True:
                while True:
                    rows = db.execute(
                        "SELECT id, kind, data FROM core_liveevent WHERE id > ? ORDER BY id"
                        " LIMIT 200",
                        (self.cursor,),
                    ).fetchall()
                    for event_id, kind, data in rows:
                        self.dispatch((int(event_id), str(kind), json.loads(data)))
                    if len(rows) < 200:
                        break
                await asyncio.sleep(POLL_SECONDS)
        finally:
            db.close()

    def _message(self, raw: str | bytes) -> Event | None:
        message = json.loads(raw)
        if "kind" not in message:
            return None  # too large for NOTIFY: only the id came, read the table
        return (int(message["id"]), str(message["kind"]), dict(message["data"]))

    async def _push(self, raw: str | bytes) -> None:
        event = self._message(raw)
        if event is None or event[0] > self.cursor + 1:
            await self.catch_up()  # a gap: something was missed, read it in order
        if event is not None:
            self.dispatch(event)

    async def _redis(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.REDIS_URL)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(live.REDIS_CHANNEL)
            await self.catch_up()
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=30)
                if message is not None and message["type"] == "message":
                    await self._push(message["data"])
        finally:
            await pubsub.aclose()
            await client.aclose()

    async def _postgres(self) -> None:
        import psycopg

        params = connection.settings_dict
        conn = await psycopg.AsyncConnection.connect(
            dbname=params["NAME"],
            user=params.get("USER") or None,
            password=params.get("PASSWORD") or None,
            host=params.get("HOST") or None,
            port=params.get("PORT") or None,
            autocommit=True,
        )
        try:
            await conn.execute(f"LISTEN {live.PG_CHANNEL}")
            await self.catch_up()
            async for notify in conn.notifies():
                await self._push(notify.payload)
        finally:
            await conn.close()


def _close(sub: Subscriber) -> None:
    """End an overflowing stream: drop what it holds and queue the end marker."""
    while not sub.queue.empty():
        sub.queue.get_nowait()
    sub.queue.put_nowait(None)


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def get_hub() -> Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub()
    return hub
