"""The stream itself, through Django's ASGI handler (as `gongdan web` serves it): resumes from
``Last-Event-ID``, sends a viewer only what it may see, and never the visibility fields."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.db import connection
from django.test import AsyncClient

from gongdan.core import live
from gongdan.live.hub import get_hub
from gongdan.testing import World
from tests.asyncrun import run as run_async

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    """Django's test client keeps connections open when a request ends; on PostgreSQL those of
    the ASGI handler's per-request threads would keep the test database from being dropped. The
    PostgreSQL path of the stream (LISTEN/NOTIFY, filtering) is covered by test_fanout and
    test_views on PostgreSQL."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: see the fixture's docstring")


def _frames(text: str) -> list[dict[str, str]]:
    frames = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if "event" in fields:
            frames.append(fields)
    return frames


def test_the_stream_resumes_and_filters(world: World) -> None:
    start = live.publish("ticket", {"t": "BEFORE", "team": None})  # the page saw this one
    live.publish("ticket", {"t": "FIELD-1", "v": 2, "team": world.field_team.pk, "watchers": []})
    mine = live.publish("ticket", {"t": "IT-1", "v": 3, "team": world.it_team.pk, "watchers": []})
    agent = world.agent

    async def main() -> str:
        client = AsyncClient()
        await client.aforce_login(agent)
        response = await client.get("/desk/live/stream/", headers={"Last-Event-ID": str(start)})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        chunks = response.streaming_content.__aiter__()  # type: ignore[union-attr]
        text = ""
        while f"id: {mine}\nevent:" not in text:
            text += (await asyncio.wait_for(chunks.__anext__(), 10)).decode()
        await chunks.aclose()
        await get_hub().stop()
        return text

    text = run_async(main())
    assert text.startswith("retry: ")
    frames = _frames(text)
    assert [(f["event"], f["id"]) for f in frames] == [("ticket", str(mine))]
    assert json.loads(frames[0]["data"]) == {
        "t": "IT-1",
        "v": 3,
        "kind": None,
        "by": None,
        "who": None,
    }


def test_the_stream_refuses_anonymous_and_customers(world: World) -> None:
    async def main() -> tuple[int, int]:
        anonymous = await AsyncClient().get("/desk/live/stream/")
        client = AsyncClient()
        await client.aforce_login(world.customer)
        customer = await client.get("/desk/live/stream/")
        return anonymous.status_code, customer.status_code

    assert run_async(main()) == (401, 403)
