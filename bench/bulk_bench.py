#!/usr/bin/env python
"""Bulk actions benchmark: time ``tickets_bulk_apply`` on a full selection (200 tickets).

    .venv/bin/python bench/bulk_bench.py                                          # SQLite
    .venv/bin/python bench/bulk_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_bulk_bench --recreate-db

Creates the test personas and 200 tickets through the services, then runs each bulk action once
over all of them in this process, as the workspace and the API run it (one transaction per
ticket, the same services as single changes; outbox dispatch is left to the job queue, as in
production). Prints the total and the cost per ticket.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def setup_env(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdan.config.settings"
    os.environ["GONGDAN_DATA_DIR"] = str(args.data_dir)
    os.environ["GONGDAN_LOG_LEVEL"] = "WARNING"
    for key in ("PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("SECRET_KEY", "bulk-bench")
    os.environ["GONGDAN_TASKS_IMMEDIATE"] = "0"


def recreate_db(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recreate-db", action="store_true")
    args = parser.parse_args()
    args.data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="gd-bulk-bench-"))
    if args.recreate_db and args.database_url:
        recreate_db(args.database_url)
    setup_env(args)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gongdan.testing import make_world
    from gongdan.tickets.services.bulk import tickets_bulk_apply

    call_command("migrate", verbosity=0)
    world = make_world()
    numbers = [world.ticket(by=world.agent, title=f"bulk {i}").number for i in range(args.tickets)]
    print(f"{connection.vendor}: {len(numbers)} tickets")
    runs = [
        ("priority", {"priority": "high"}),
        ("tags", {"tags": "bench"}),
        ("assign", {"assignee": "me"}),
        ("status", {"to": "in_progress"}),
        ("team", {"team": str(world.field_team.pk)}),
    ]
    for action, params in runs:
        started = time.monotonic()
        result = tickets_bulk_apply(
            actor=world.supervisor, numbers=numbers, action=action, params=params
        )
        ms = (time.monotonic() - started) * 1000
        print(
            f"  {action:9s} {ms:8.0f} ms total, {ms / len(numbers):6.1f} ms/ticket"
            f"  ({result.applied} applied, {result.failed} failed)"
        )


if __name__ == "__main__":
    main()
