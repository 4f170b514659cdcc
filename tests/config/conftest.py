"""Ops tests: CLI, seed commands, embedded server, settings; PostgreSQL proofs skip on SQLite."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres_only") and "tests/config" in str(item.fspath):
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a real (non-test) gongdan process in the embedded shape."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "PYTEST_VERSION",
            "GONGDAN_TESTING",
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "PYTEST_CURRENT_TEST",
        }
    }
    env.update(GONGDAN_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **extra)
    return env


def gongdan_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "gongdan.cli", *args]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated embedded data dir with the cache table and the personas, built once per run
    (migrating costs seconds in each child process); tests copy its database."""
    data = tmp_path_factory.mktemp("sqlite-template") / "data"
    env = child_env(data)
    for args in (("migrate", "-v", "0"), ("createcachetable",)):
        subprocess.run(gongdan_argv("manage", *args), env=env, check=True, timeout=300)
    subprocess.run(
        [sys.executable, "-c", PERSONAS], env=env, check=True, timeout=120, capture_output=True
    )
    return data / "gongdan.db"


PERSONAS = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
django.setup()
from django.db import connection
from gongdan.testing import make_world
make_world()
connection.close()
"""


def copy_database(template: Path, data_dir: Path) -> None:
    """The template's SQLite database (with its WAL, if any) into a new data dir."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for part in template.parent.glob(template.name + "*"):
        shutil.copyfile(part, data_dir / part.name)
