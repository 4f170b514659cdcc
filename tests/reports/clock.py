"""Shared pieces of the report tests: a movable clock and the outbox run by hand.

Times are Asia/Shanghai; ``mover(monkeypatch)`` moves the clock that the services read
(``timezone.now``); ``sync`` delivers the outbox events (which keep the report facts).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gongdan.jobs.outbox import dispatch_outbox

SHANGHAI = ZoneInfo("Asia/Shanghai")
At = Callable[[datetime], None]


def sh(*args: int) -> datetime:
    """A moment in Asia/Shanghai: ``sh(2026, 11, 23, 9)``."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def mover(monkeypatch: pytest.MonkeyPatch) -> At:
    """A function that sets the clock the services read (undone with ``monkeypatch``)."""

    def move(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


def sync() -> None:
    """Deliver every pending outbox event (the facts and rollups follow)."""
    dispatch_outbox(max_batches=1000)
