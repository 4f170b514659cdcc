"""Serve a WSGI application from an ASGI server on a fixed pool of threads.

``gongdan web`` runs granian's ASGI interface so that event streams can stay open on the event
loop without holding a thread (``config.asgi``). Every other request goes through this bridge
to Django's ordinary WSGI handler, exactly as under granian's WSGI interface: a fixed pool of
``threads`` threads, each keeping its database connection (SQLite) or borrowing from the pool
(PostgreSQL). The request body is read before the application runs (spooled to disk past 1 MiB);
the response is sent chunk by chunk, the thread waiting for each send (back-pressure).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

SPOOL_BYTES = 1024 * 1024
SEND_BYTES = 64 * 1024


class ClientGone(Exception):
    """The client disconnected while the response was being sent."""


def environ_for(scope: Scope, body: Any) -> dict[str, Any]:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    path = scope["path"].encode("utf-8").decode("latin-1")
    root = scope.get("root_path", "").encode("utf-8").decode("latin-1")
    if root and path.startswith(root):
        path = path[len(root) :]
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root,
        "PATH_INFO": path,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        key = name if name == "CONTENT_TYPE" or name == "CONTENT_LENGTH" else f"HTTP_{name}"
        if key in environ:
            joiner = "; " if key == "HTTP_COOKIE" else ","
            value = f"{environ[key]}{joiner}{value}"
        environ[key] = value
    return environ


class WsgiBridge:
    def __init__(self, app: WsgiApp, *, threads: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="wsgi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body: Any = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed below
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body.write(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            body.seek(0)
            loop = asyncio.get_running_loop()
            environ = environ_for(scope, body)
            try:
                await loop.run_in_executor(self.pool, self._run, environ, send, loop)
            except ClientGone:
                return
        finally:
            body.close()

    def _run(self, environ: dict[str, Any], send: Send, loop: asyncio.AbstractEventLoop) -> None:
        head: list[dict[str, Any]] = []

        async def send_all(messages: list[dict[str, Any]]) -> None:
            for message in messages:
                await send(message)

        def blocking_send(*messages: dict[str, Any]) -> None:
            try:
                asyncio.run_coroutine_threadsafe(send_all(list(messages)), loop).result()
            except Exception as exc:  # the server refuses to send: the client has gone
                raise ClientGone from exc

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            head[:] = [
                {
                    "type": "http.response.start",
                    "status": int(status.split(" ", 1)[0]),
                    "headers": [
                        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers
                    ],
                }
            ]
            return lambda data: None  # the legacy write() callable: unused by Django

        result = self.app(environ, start_response)
        try:
            if isinstance(result, list | tuple):  # the usual Django response: one round trip
                whole = b"".join(result)
                blocking_send(head[0], {"type": "http.response.body", "body": whole})
                return
            pending = [head[0]]
            buffer = bytearray()
            for chunk in result:  # a file: sent in pieces of SEND_BYTES, one round trip each
                buffer += chunk
                if len(buffer) >= SEND_BYTES:
                    piece = {"type": "http.response.body", "body": bytes(buffer), "more_body": True}
                    blocking_send(*pending, piece)
                    pending, buffer = [], bytearray()
            blocking_send(*pending, {"type": "http.response.body", "body": bytes(buffer)})
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
