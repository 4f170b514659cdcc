"""The WSGI-on-threads bridge that serves every page under ``gongdan web``'s ASGI interface."""

from __future__ import annotations

import threading
from typing import Any

from gongdan.core.asgi_bridge import WsgiBridge
from tests.asyncrun import run as run_async


def _echo(environ: dict[str, Any], start_response: Any) -> Any:
    body = environ["wsgi.input"].read()
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Thread", "t")])
    seen = (
        f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}?{environ['QUERY_STRING']} "
        f"{environ.get('CONTENT_TYPE')} {environ['HTTP_COOKIE']} {environ['HTTP_X_TWICE']} "
        f"{threading.current_thread().name} "
    )
    return iter([seen.encode("latin-1"), body, b"x" * 70_000, b"end"])


def _call(app: Any, scope: dict[str, Any], chunks: list[bytes]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    incoming = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    run_async(app(scope, receive, send))
    return sent


def test_a_request_runs_on_the_pool_with_its_body_headers_and_path() -> None:
    app = WsgiBridge(_echo, threads=2)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/desk/工单/",
        "query_string": b"a=1",
        "headers": [
            (b"content-type", b"text/plain"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"x-twice", b"1"),
            (b"x-twice", b"2"),
        ],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5555),
    }
    sent = _call(app, scope, [b"hello ", b"world"])

    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 201
    assert (b"x-thread", b"t") in sent[0]["headers"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    text = body.decode("latin-1")
    assert text.startswith(
        "POST " + "/desk/工单/".encode().decode("latin-1") + "?a=1 text/plain a=1; b=2 1,2 wsgi"
    )
    assert "hello world" in text and body.endswith(b"x" * 10 + b"end")
    assert sent[-1].get("more_body", False) is False
    assert len(sent) <= 4  # 70 kB in at most two pieces, not one send per chunk


def test_a_client_that_left_before_its_body_arrived_runs_nothing() -> None:
    calls: list[int] = []

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        calls.append(1)
        return []

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        raise AssertionError("nothing is sent")

    run_async(WsgiBridge(app, threads=1)(scope, receive, send))
    assert calls == []
