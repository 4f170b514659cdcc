"""The API throttle: one budget for all web processes and an honest Retry-After (defect 4)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches

from gongdan.core import counters
from gongdan.core.models import RateCounter
from gongdan.testing import Api, World, run_together

REDIS_URL = os.environ.get("GONGDAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
WINDOW_START = 1_800_000_000 // 60 * 60  # a minute boundary


@pytest.fixture
def database_shape(settings: Any) -> Iterator[None]:
    """The embedded shape: the shared cache is the database cache, "local" is process memory."""
    memory_only = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gongdan_cache",
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "w1"},
    }
    yield
    settings.CACHES = memory_only  # the API tests' fixture clears these afterwards


def test_a_second_worker_shares_the_first_workers_budget(
    world: World, api: Api, settings: Any, database_shape: None
) -> None:
    # Given a limit of 3 per minute, used up through one worker
    settings.GONGDAN_API_RATE = "3/min"
    caller = api.as_(world.agent)
    first = [caller.get("/me").status_code for _ in range(3)]

    # When the next request reaches another worker (its own process memory is empty)
    caches["local"].clear()
    response = caller.get("/me")

    # Then the budget is spent there too
    assert first == [200, 200, 200]
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert RateCounter.objects.get().count == 4


def test_retry_after_is_the_time_left_in_the_window(
    world: World, api: Api, settings: Any, monkeypatch: pytest.MonkeyPatch, database_shape: None
) -> None:
    # Given a limit of 2 per minute and a clock 45 s into a minute
    settings.GONGDAN_API_RATE = "2/min"
    monkeypatch.setattr(counters, "_now", lambda: WINDOW_START + 45.2)
    caller = api.as_(world.agent)
    allowed = [caller.get("/me").status_code for _ in range(2)]

    # When the third request comes in
    refused = caller.get("/me")
    # ... and again once the window has ended
    monkeypatch.setattr(counters, "_now", lambda: WINDOW_START + 60.0)
    later = caller.get("/me")

    # Then the 429 says to come back when the window ends, in whole seconds (rounded up)
    assert allowed == [200, 200]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "15"
    assert refused.json()["code"] == "throttled"
    assert later.status_code == 200


def test_a_new_window_clears_the_ended_windows_rows(
    settings: Any, monkeypatch: pytest.MonkeyPatch, database_shape: None, db: None
) -> None:
    monkeypatch.setattr(counters, "_now", lambda: WINDOW_START + 1.0)
    counters.window_hit(key="a", window=60)
    counters.window_hit(key="a", window=60)

    monkeypatch.setattr(counters, "_now", lambda: WINDOW_START + 61.0)
    counted = counters.window_hit(key="a", window=60)

    assert (counted.count, counted.retry_after) == (1, 59)
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]


def test_a_process_shares_its_hits_in_batches_and_counts_every_one(
    monkeypatch: pytest.MonkeyPatch, database_shape: None, db: None
) -> None:
    # Given batches of 10 (a limit of 1,000: 1 % of it)
    monkeypatch.setattr(counters, "_now", lambda: WINDOW_START + 5.0)

    # When this process counts 25 hits
    counts = [counters.window_hit(key="b", window=60, batch=10).count for _ in range(25)]

    # Then it answers every hit exactly, and the shared row holds all but the pending ones:
    # written at the 1st, 11th and 21st hit (three writes instead of 25)
    assert counts == list(range(1, 26))
    assert RateCounter.objects.get().count == 21


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_on_the_database_row_are_never_lost(
    world: World, database_shape: None
) -> None:
    # Given 30 requests counted at the same moment, each on its own connection

    # When they all count on one key
    results = run_together(30, lambda i: counters.window_hit(key="race", window=3600).count)

    # Then every hit got its own number: none was lost to a read-then-write race
    assert sorted(results) == list(range(1, 31))


_COUNT_IN_A_PROCESS = textwrap.dedent(
    """
    import django, sys
    django.setup()
    from gongdan.core.counters import window_hit
    counts = [window_hit(key=sys.argv[1], window=10**9).count for _ in range(40)]
    print(" ".join(map(str, counts)))
    """
)


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason=f"no Redis at {REDIS_URL}")
def test_two_processes_count_one_budget_in_redis(tmp_path: Path) -> None:
    # Given two separate processes configured with Redis (the production shape)
    key = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "GONGDAN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "gongdan.config.settings",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }

    # When both count 40 hits on one key at the same time
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _COUNT_IN_A_PROCESS, key], env=env, stdout=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0].decode() for p in procs]

    # Then together they counted 80 distinct hits
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(*client.keys(f"*{key}*"))
    counts = sorted(int(n) for out in outputs for n in out.split())
    assert [p.returncode for p in procs] == [0, 0]
    assert counts == list(range(1, 81))
