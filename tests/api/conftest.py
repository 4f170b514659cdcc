"""Helpers for the API tests: a bearer-token client per persona (the ``postgres_only`` marker is
handled by ``gongdan.testing``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.models import User
from gongdan.testing import World


@pytest.fixture(autouse=True)
def _local_cache(settings: Any) -> Iterator[None]:
    """Throttling counts in the cache; the test database has no cache table."""
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-tests-{alias}",
        }
        for alias in ("default", "local")
    }
    from django.core.cache import caches

    for alias in ("default", "local"):
        caches[alias].clear()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


class Api:
    """``api.as_(user).get("/tickets")`` with a bearer token; paths are under /api/v1."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._tokens: dict[int, str] = {}

    def token(self, user: User) -> str:
        if user.pk not in self._tokens:
            self._tokens[user.pk] = self.world.token_for(user)
        return self._tokens[user.pk]

    def as_(self, user: User | None) -> Caller:
        return Caller(self.token(user) if user is not None else None)


class Caller:
    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        call = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **(headers or {})}, **kw}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return call(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("post", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("patch", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("put", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._send("delete", path, **kw)

    def upload(self, path: str, upload: Any, **fields: Any) -> Any:
        return self.client.post(
            f"/api/v1{path}", data={"file": upload, **fields}, headers=self.headers
        )


@pytest.fixture
def api(world: World) -> Api:
    return Api(world)


def state(ticket: Any) -> dict[str, Any]:
    """Everything an outsider's request must leave alone, re-read from the database."""
    from gongdan.tickets.models import Ticket, TicketLink

    fresh = Ticket.objects.get(pk=ticket.pk)
    return {
        "version": fresh.version,
        "status": fresh.status,
        "title": fresh.title,
        "priority": fresh.priority,
        "team": fresh.team_id,
        "assignee": fresh.assignee_id,
        "merged_into": fresh.merged_into_id,
        "comments": fresh.comments.count(),
        "attachments": fresh.attachments.count(),
        "timeline": fresh.timeline.count(),
        "children": fresh.children.count(),
        "links": TicketLink.objects.filter(source=fresh).count(),
    }
