"""Real consumer processes (``gongdan worker``): work gets done once, even across a SIGKILL.

Each test runs its own database: a SQLite file (embedded shape, SqliteHuey) or, when the suite
runs on PostgreSQL, a fresh PostgreSQL database with Redis as the queue (RedisHuey). Tickets are
created by separate processes through the services; every ticket created already assigned emits
``ticket.created``, which the consumers must turn into exactly one notification for the agent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.config.conftest import child_env, copy_database, gongdan_argv

SETUP = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
django.setup()
"""

CREATE = SETUP + textwrap.dedent(
    """
    import sys
    from gongdan.accounts.models import User
    from gongdan.customers.models import Contact
    from gongdan.tickets import services
    from gongdan.tickets.models import TicketType
    boss = User.objects.get(username="supervisor")
    agent = User.objects.get(username="agent")
    contact = Contact.objects.get(user__username="customer")
    kind = TicketType.objects.get(code="incident")
    for n in range(int(sys.argv[1])):
        services.ticket_create(actor=boss, title=f"{sys.argv[2]}-{n}", requester=contact,
                               ticket_type=kind, assignee=agent)
    """
)


@dataclass
class Shape:
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def run(self, code: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start_worker(self, log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            proc = subprocess.Popen(
                gongdan_argv("worker", "--workers", "2"),
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(proc)
        return proc

    def notified(self) -> tuple[int, int]:
        """(notifications, duplicates) read straight from the database: fast enough to poll."""
        sql = (
            "SELECT count(*), count(*) - count(DISTINCT n.ticket_id)"
            " FROM notifications_notification n"
            " JOIN accounts_user u ON u.id = n.recipient_id"
            " WHERE n.kind = 'ticket.assigned' AND u.username = 'agent'"
        )
        url = self.env.get("DATABASE_URL", "")
        if url:
            import psycopg

            with psycopg.connect(url) as conn:
                row = conn.execute(sql).fetchone()
        else:
            import sqlite3

            path = Path(self.env["GONGDAN_DATA_DIR"]) / "gongdan.db"
            with sqlite3.connect(path, timeout=30) as conn:
                row = conn.execute(sql).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def wait_for(self, expected: int, timeout: float = 90) -> tuple[int, int]:
        deadline = time.monotonic() + timeout
        seen = self.notified()
        while seen[0] < expected and time.monotonic() < deadline:
            time.sleep(0.5)
            seen = self.notified()
        return seen


def _prepare(env: dict[str, str]) -> Shape:
    """Migrate, add the cache table and the personas: once per run (copied from then on)."""
    shape = Shape(env)
    subprocess.run(gongdan_argv("manage", "migrate", "-v", "0"), env=env, check=True, timeout=300)
    subprocess.run(gongdan_argv("manage", "createcachetable"), env=env, check=True, timeout=60)
    shape.run(SETUP + "from gongdan.testing import make_world; make_world()")
    return shape


def _stop(shape: Shape) -> None:
    for proc in shape.workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in shape.workers:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def sqlite_shape(tmp_path: Path, sqlite_template: Path) -> Iterator[Shape]:
    copy_database(sqlite_template, tmp_path / "data")
    shape = Shape(child_env(tmp_path / "data", GONGDAN_OUTBOX_CLAIM_SECONDS="3"))
    yield shape
    _stop(shape)


def _postgres_base() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…) and Redis")
    return base.rsplit("/", 1)[0]


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_base() + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated PostgreSQL database with the personas, built once; each test's database is
    created from it (CREATE DATABASE … TEMPLATE copies the files, no migrations)."""
    name = f"gd_worker_tpl_{uuid.uuid4().hex[:8]}"
    _postgres_admin(f'CREATE DATABASE "{name}"')
    env = child_env(
        tmp_path_factory.mktemp("pg-template"),
        DATABASE_URL=f"{_postgres_base()}/{name}",
        SECRET_KEY="worker-test",
    )
    _prepare(env)
    yield name
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_shape(tmp_path: Path, pg_template: str) -> Iterator[Shape]:
    name = f"gd_worker_{uuid.uuid4().hex[:8]}"
    _postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    # One Redis database per xdist worker (gw0 → 9, gw1 → 10, …) so parallel runs never share.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
    redis_db = int(os.environ.get("GONGDAN_TEST_REDIS_DB", "9")) + int(worker)
    env = child_env(
        tmp_path / "data",
        DATABASE_URL=f"{_postgres_base()}/{name}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        SECRET_KEY="worker-test",
        GONGDAN_OUTBOX_CLAIM_SECONDS="3",
    )
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    shape = Shape(env)
    yield shape
    _stop(shape)
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _once_through_one_consumer(shape: Shape, tmp_path: Path) -> None:
    shape.start_worker(tmp_path / "worker.log")
    shape.run(CREATE, "30", "one")

    assert shape.wait_for(30) == (30, 0), (tmp_path / "worker.log").read_text()


def _nothing_lost_when_a_consumer_is_killed(shape: Shape, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    first = shape.start_worker(log)
    creator = subprocess.Popen(
        [sys.executable, "-c", CREATE, "150", "kill"], env=shape.env, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 90
    while shape.notified()[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)  # mid-work: claims held, jobs in flight
    first.wait(timeout=10)
    at_kill = shape.notified()[0]
    assert creator.wait(timeout=300) == 0
    assert 0 < at_kill < 150, "the consumer was not killed in the middle of the work"
    assert shape.notified()[0] == at_kill  # nobody is delivering now

    shape.start_worker(log)  # catches up at start; claims of the dead one expire after 3 s
    time.sleep(4)
    shape.run(CREATE, "1", "nudge")  # a new event: its dispatch drains everything due

    assert shape.wait_for(151) == (151, 0), log.read_text()


def test_a_real_consumer_delivers_each_event_once_on_sqlite(
    sqlite_shape: Shape, tmp_path: Path
) -> None:
    _once_through_one_consumer(sqlite_shape, tmp_path)


def test_a_killed_consumer_loses_nothing_on_sqlite(sqlite_shape: Shape, tmp_path: Path) -> None:
    _nothing_lost_when_a_consumer_is_killed(sqlite_shape, tmp_path)


def test_a_real_consumer_delivers_each_event_once_on_postgresql_and_redis(
    pg_shape: Shape, tmp_path: Path
) -> None:
    _once_through_one_consumer(pg_shape, tmp_path)


def test_a_killed_consumer_loses_nothing_on_postgresql_and_redis(
    pg_shape: Shape, tmp_path: Path
) -> None:
    _nothing_lost_when_a_consumer_is_killed(pg_shape, tmp_path)


def test_two_consumers_and_two_writers_deliver_each_event_exactly_once_on_postgresql(
    pg_shape: Shape, tmp_path: Path
) -> None:
    pg_shape.start_worker(tmp_path / "a.log")
    pg_shape.start_worker(tmp_path / "b.log")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", CREATE, "100", f"w{n}"], env=pg_shape.env, stderr=subprocess.PIPE
        )
        for n in range(2)
    ]
    for writer in writers:
        assert writer.wait(timeout=300) == 0

    assert pg_shape.wait_for(200) == (200, 0)
    leases = pg_shape.run(
        SETUP + "from gongdan.jobs.models import SchedulerLease;"
        "print(SchedulerLease.objects.filter(name='periodic').count())"
    )
    assert leases.split()[-1] in {"0", "1"}  # never two holders
