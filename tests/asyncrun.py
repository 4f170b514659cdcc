"""Run a coroutine to completion from a test, whatever loop the test's thread already runs.

Playwright's sync API (the browser tests) keeps an event loop running in the main thread of the
pytest worker that ran them, and ``asyncio.run`` refuses to start inside a running loop. A fresh
thread has no loop, so the coroutine gets its own there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run[T](coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
