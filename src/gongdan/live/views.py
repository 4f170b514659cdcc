"""The live endpoints of the workspace: the event stream, its polling twin and presence.

``stream`` answers with ``text/event-stream`` when the server runs it on the ASGI side
(``config.asgi``: ``gongdan web`` and ``serve``); under a plain WSGI server, where a long response
would hold one of the few request threads, it answers 204 and the page polls ``poll`` instead.
Only signed-in staff get either: anonymous 401, customers 403, a ticket the user may not see 404.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongdan.accounts.policies import is_staff_user
from gongdan.core import live
from gongdan.core.errors import DomainError, NotFound
from gongdan.live.hub import Event, Subscriber, get_hub, sse_frame
from gongdan.live.services import PRESENCE_RENEW, presence_people, presence_set
from gongdan.live.visibility import Viewer, public, viewer_for, wants
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import ticket_get

HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 300.0  # then the browser reconnects (and the session is checked again)
RETRY_MS = 2000
POLL_LIMIT = 200


def _refusal(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return JsonResponse(
            {"code": "not_authenticated", "message": _("Sign in to receive live updates.")},
            status=401,
        )
    if not is_staff_user(request.user):
        return JsonResponse(
            {"code": "permission_denied", "message": _("Live updates are for staff only.")},
            status=403,
        )
    return None


def _ticket(request: HttpRequest, number: str) -> Ticket | HttpResponse:
    try:
        return ticket_get(user=request.user, number=number)  # type: ignore[arg-type]
    except NotFound as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=404)


def _listener(request: HttpRequest) -> str | HttpResponse:
    """The ticket number a stream or poll listens to ("" for everything its viewer may see), or
    the refusal: 401 for visitors, 403 for customers, 404 for a ticket the viewer cannot see."""
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    number = request.GET.get("ticket", "")
    if not number:
        return ""
    ticket = _ticket(request, number)
    return ticket if isinstance(ticket, HttpResponse) else ticket.number


def _cursor(raw: str | None) -> int:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else 0


class _Scope:
    """What one page listens to: everything its viewer may see, or one ticket's hints."""

    def __init__(self, viewer: Viewer, ticket: str) -> None:
        self.viewer = viewer
        self.ticket = ticket

    def wants(self, kind: str, data: dict[str, Any]) -> bool:
        if not wants(self.viewer, kind, data):
            return False
        return not self.ticket or kind == "notification" or data.get("t") == self.ticket


@require_GET
def stream(request: HttpRequest) -> HttpResponseBase:
    number = _listener(request)
    if isinstance(number, HttpResponse):
        return number
    if not isinstance(request, ASGIRequest):  # a WSGI thread must not be held: poll instead
        return HttpResponse(status=204, headers={"X-Gongdan-Live": "poll"})
    scope = _Scope(viewer_for(request.user), number)  # type: ignore[arg-type]
    since = _cursor(request.headers.get("Last-Event-ID") or request.GET.get("since"))
    if not connection.in_atomic_block:
        # The request's thread would keep its connection (a pooled one on PostgreSQL) until the
        # stream ends; the stream reads through the hub, so give it back now.
        connection.close()
    response = StreamingHttpResponse(_events(scope, since), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must not buffer the stream
    return response


async def _events(scope: _Scope, since: int) -> AsyncIterator[str]:
    hub = get_hub()
    sub = _Subscriber(scope)
    await hub.add(sub)
    loop = asyncio.get_running_loop()
    last = 0
    try:
        # The id sets the browser's Last-Event-ID: a reconnection resumes from here.
        yield f"retry: {RETRY_MS}\nid: {since or hub.cursor}\n\n"
        if since:
            rows, oldest = await hub.run_db(_catch_up, since)
            if oldest > since + 1:
                yield "event: reset\ndata: {}\n\n"  # fell behind what is kept: refresh it all
            for event in rows:
                last = event[0]
                if scope.wants(event[1], event[2]):
                    yield sse_frame(event)
        deadline = loop.time() + STREAM_SECONDS
        while (left := deadline - loop.time()) > 0:
            try:
                event = await asyncio.wait_for(
                    sub.queue.get(), timeout=min(HEARTBEAT_SECONDS, left)
                )
            except TimeoutError:
                yield ": ping\n\n"
                continue
            if event is None:
                return  # overflowed: the browser reconnects and catches up
            if event[0] > last:
                last, frame = event
                yield frame
    finally:
        hub.remove(sub)


class _Subscriber(Subscriber):
    def __init__(self, scope: _Scope) -> None:
        super().__init__(scope.viewer)
        self.scope = scope

    def wants(self, event: Event) -> bool:
        return self.scope.wants(event[1], event[2])


def _catch_up(since: int) -> tuple[list[Event], int]:
    return live.read_since(since, limit=POLL_LIMIT), live.oldest_id()


@require_GET
def poll(request: HttpRequest) -> HttpResponse:
    """The same events as the stream, since ``since`` (the cursor the last answer gave)."""
    number = _listener(request)
    if isinstance(number, HttpResponse):
        return number
    if "since" not in request.GET:  # a new page: where to start from
        return JsonResponse({"cursor": live.last_id(), "events": [], "reset": False})
    since = _cursor(request.GET.get("since"))
    scope = _Scope(viewer_for(request.user), number)  # type: ignore[arg-type]
    rows, oldest = _catch_up(since)
    events = [
        {"id": event_id, "kind": kind, "data": public(kind, data)}
        for event_id, kind, data in rows
        if scope.wants(kind, data)
    ]
    cursor = rows[-1][0] if rows else since
    return JsonResponse(
        {
            "cursor": cursor,
            "events": events,
            "reset": oldest > since + 1,
            "more": len(rows) == POLL_LIMIT,
        }
    )


@require_POST
def presence(request: HttpRequest) -> HttpResponse:
    """The page reports ``viewing``, ``replying`` or ``left``; answers who is on the ticket."""
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    ticket = _ticket(request, request.POST.get("ticket", ""))
    if isinstance(ticket, HttpResponse):
        return ticket
    try:
        presence_set(actor=request.user, ticket=ticket, state=request.POST.get("state", ""))  # type: ignore[arg-type]
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status)
    return JsonResponse({"people": presence_people(ticket), "renew": PRESENCE_RENEW})
