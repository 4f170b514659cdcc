"""The SQLite write gate: concurrent writers queue instead of failing with "database is locked".

Each test runs real processes or threads against a SQLite file of its own, with a busy timeout
(5 ms) far shorter than the time each transaction holds the write lock (30 ms). With Django's
stock backend the waiting writers would give up with "database is locked"; with the gate they
wait their turn, and every write lands.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

WRITER = textwrap.dedent(
    """
    import sys, time
    import django
    from django.conf import settings

    settings.configure(DATABASES={"default": {
        "ENGINE": sys.argv[1], "NAME": sys.argv[2], "CONN_MAX_AGE": None,
        "OPTIONS": {"timeout": 0.005, "transaction_mode": "IMMEDIATE"},
    }})
    django.setup()
    from django.db import connection, transaction

    connection.ensure_connection()  # the file and its table were made by the test, once
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    failures = 0
    for n in range(int(sys.argv[4])):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("INSERT INTO hits VALUES (%s, %s)", [sys.argv[3], n])
                    time.sleep(0.03)  # hold the write lock well past the busy timeout
        except Exception as exc:
            failures += 1
            print("failed:", exc, file=sys.stderr, flush=True)
    print("failures", failures, flush=True)
    """
)


def _run_writers(engine: str, db: Path, writers: int, each: int) -> tuple[list[int], int]:
    import sqlite3

    # Made here, once: three processes creating it at once would race on the 5 ms busy timeout
    # before the measured writes even start.
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE hits (who TEXT, n INTEGER)")
    conn.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, engine, str(db), f"w{i}", str(each)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    for proc in procs:
        assert proc.stdout is not None
        ready = proc.stdout.readline().strip()
        assert ready == "ready", proc.stderr.read() if proc.stderr else ready
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    failures = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        failures.append(int(out.split()[-1]))
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM hits").fetchone()[0]
    return failures, rows


def test_writers_in_several_processes_queue_on_the_gate(tmp_path: Path) -> None:
    failures, rows = _run_writers("gongdan.core.db.sqlite3", tmp_path / "gate.db", 3, 8)
    assert failures == [0, 0, 0]
    assert rows == 24


def test_without_the_gate_the_same_load_fails(tmp_path: Path) -> None:
    """The control: Django's own backend under the same load loses writes to "locked" errors."""
    failures, rows = _run_writers("django.db.backends.sqlite3", tmp_path / "plain.db", 3, 8)
    assert sum(failures) > 0
    assert rows == 24 - sum(failures)


def test_threads_of_one_process_queue_and_a_rollback_releases_the_gate(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    """A private database file, not the test database: pytest-django's blocker is lifted."""
    from django.db import connections, transaction
    from django.db.utils import ConnectionHandler

    db = tmp_path / "threads.db"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "gongdan.core.db.sqlite3",
                "NAME": str(db),
                "OPTIONS": {"timeout": 0.005, "transaction_mode": "IMMEDIATE"},
            }
        }
    )
    unblocked = django_db_blocker.unblock()
    unblocked.__enter__()
    setup = handler.create_connection("default")
    with setup.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE hits (n INTEGER)")
    setup.close()
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def write(index: int) -> None:
        # Django's connections are per thread: this thread's "default" is the test database.
        conn = connections["default"] = handler.create_connection("default")
        try:
            start.wait(timeout=10)
            for n in range(5):
                try:
                    with transaction.atomic(), conn.cursor() as cursor:
                        cursor.execute("INSERT INTO hits VALUES (%s)", [index * 100 + n])
                        time.sleep(0.01)
                        if n == 2:
                            raise RuntimeError("roll this one back")
                except RuntimeError:
                    pass
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    unblocked.__exit__(None, None, None)
    assert errors == []
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM hits").fetchone()[0] == 4 * 4


@pytest.mark.parametrize("engine", ["gongdan.core.db.sqlite3"])
def test_the_project_uses_the_gated_backend_on_sqlite(engine: str) -> None:
    from django.conf import settings

    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("the embedded shape only")
    assert settings.DATABASES["default"]["ENGINE"] == engine
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] is None
