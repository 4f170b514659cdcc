"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against a live server.

Never a Playwright browser download: the executable comes from the Debian package, installed by
scripts/test and .ci/run. Screenshots of the main pages go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("GONGDAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still plain synchronous calls, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server's request threads share the test's in-memory SQLite connection (Django
    passes it to them): two requests at once — a page's htmx badge poll beside a form post —
    used it concurrently and one read a session as garbage ("bad parameter or other API
    misuse"), signing the user out mid-test. The application handles one request at a time
    (connections stay concurrent: a browser's idle keep-alive connection must not block)."""

    _lock = threading.Lock()
    # Set between tests: a closing page's last requests (the live presence "left" beacon, a
    # poll) get a 503 instead of touching the database while it is flushed (on PostgreSQL a
    # TRUNCATE beside an insert with foreign keys deadlocks).
    closed = False

    def set_app(self, application: Any) -> None:
        lock, server = self._lock, type(self)

        def one_at_a_time(environ: Any, start_response: Any) -> Any:
            with lock:
                if server.closed:
                    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                    return [b""]
                return application(environ, start_response)

        super().set_app(one_at_a_time)

    @classmethod
    def close_between_tests(cls) -> None:
        """Refuse further requests and wait for the one in progress, if any."""
        cls.closed = True
        with cls._lock:
            pass


LiveServerThread.server_class = _OneRequestAtATime


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Debian's chromium is required for browser tests ({CHROMIUM} not found); "
            "run scripts/test as root or apt-get install chromium."
        )
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (the CI machine runs two test processes on 2 cores).
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _live_server_gate() -> Iterator[None]:
    """Open the live server for this test; close it before the test's database is flushed
    (set up after pytest-django's database fixtures, so torn down before them)."""
    _OneRequestAtATime.closed = False
    yield
    _OneRequestAtATime.close_between_tests()


@pytest.fixture
def new_page(chromium: object):  # type: ignore[no-untyped-def]
    """Open pages in fresh browser contexts (one per actor); all closed at the end of the test."""
    contexts = []

    def make(locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
        context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    _OneRequestAtATime.close_between_tests()


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
