"""Real HTTP servers on 127.0.0.1 that speak (and check) the vendors' protocols."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Responder = Callable[[Seen], tuple[Any, ...]]  # (status, body[, headers])


@dataclass
class Server:
    url: str
    seen: list[Seen] = field(default_factory=list)
    responder: Responder = lambda seen: (200, {})


@pytest.fixture
def server(settings: Any) -> Iterator[Server]:
    """A ThreadingHTTPServer in a thread; set ``server.responder`` to answer (and check).

    It listens on loopback, which outbound requests refuse by default: the tests allow it the
    way an installation allows an intranet range.
    """
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    state = Server(url="")

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(
                method=self.command,
                path=parsed.path,
                query=dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)),
                headers={k: v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            state.seen.append(seen)
            status, answer, *extra = state.responder(seen)
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _handle

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def live(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run commit hooks as a real request would: emitted events are dispatched at commit."""

    def capture() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return capture


@pytest.fixture(autouse=True)
def _empty_schedule() -> Iterator[None]:
    """Retries scheduled by one test (Huey's in-memory schedule) must not reach the next."""
    HUEY.storage.flush_schedule()
    yield
    HUEY.storage.flush_schedule()
