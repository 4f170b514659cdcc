"""Fixtures of the report page and API tests (the helpers live in ``tests/reports/clock.py``):
``at`` moves the clock, ``desk`` is two resolved tickets of November 2026 and a supervisor of
the field team, ``fake_engine`` a hand-built report for tests of the rendering alone."""

from __future__ import annotations

import pytest

from tests.reports import clock
from tests.reports.clock import At, mover


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> At:
    return mover(monkeypatch)


desk = clock.desk
fake_engine = clock.fake_engine
