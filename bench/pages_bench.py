#!/usr/bin/env python
"""Workspace pages benchmark: the ticket list (agent, admin), the ticket page, the tab counts.

    PYTHONPATH=$PWD/src .venv/bin/python bench/pages_bench.py --tickets 100000 \\
        --data-dir /tmp/gdpages/sqlite                                           # SQLite
    PYTHONPATH=$PWD/src .venv/bin/python bench/pages_bench.py --tickets 100000 \\
        --data-dir /tmp/gdpages/pg --database-url postgres://postgres@127.0.0.1:5432/gd_pages

1. Seeds N tickets with ``seed_bench --comments`` (2–4 comments and their timeline per ticket),
   unless the database already holds N tickets, and migrates (which fills the view counters).
2. In this process, one client at a time through Django's test client — the whole middleware
   stack, sessions, CSRF, templates; no HTTP server or socket — as the demo's administrator and
   as its agent with the most memberships:
   - ``GET /desk/tickets/`` (full page: tabs with counts, saved views, 25 rows), agent and admin;
   - ``GET /desk/tickets/<number>/`` for random tickets the agent may see;
   - ``selectors.view_counts`` alone (the tab counts), agent and admin.
   ``--runs`` timed calls each after ``--warmup`` untimed ones; wall p50 / p95, CPU p50
   (``time.process_time``: what the page costs this process, less noisy under load), queries per
   call and the time the database took for them (from Django's query log, which costs a little).
3. ``--profile``: a cProfile of the ticket page and of the agent's list, top functions.

Benchmarks never run as tests. Results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GONGDAN = [sys.executable, "-m", "gongdan.cli"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--data-dir", type=Path, required=True, help="GONGDAN_DATA_DIR")
    parser.add_argument("--runs", type=int, default=100, help="timed calls per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="untimed calls first")
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is")
    parser.add_argument("--profile", action="store_true", help="cProfile the two pages")
    parser.add_argument("--json", type=Path, help="also write the report here")
    return parser.parse_args()


def environment(args: argparse.Namespace) -> None:
    for name in ("PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["GONGDAN_DATA_DIR"] = str(args.data_dir)
    os.environ["GONGDAN_LOG_LEVEL"] = "WARNING"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("SECRET_KEY", "pages-bench-" + "x" * 40)


def gongdan(*argv: str) -> str:
    result = subprocess.run(
        [*GONGDAN, *argv], env=os.environ, capture_output=True, text=True, check=False, cwd=REPO
    )
    if result.returncode != 0:
        sys.exit(f"gongdan {' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def seed(args: argparse.Namespace) -> None:
    gongdan("manage", "migrate", "-v", "0")
    gongdan("manage", "createcachetable")
    code = "from gongdan.tickets.models import Ticket; print(Ticket.objects.count())"
    count = int(gongdan("manage", "shell", "-c", code).split()[-1])
    if count >= args.tickets:
        print(f"database already has {count} tickets; not seeding", flush=True)
        return
    more = str(args.tickets - count)
    print(gongdan("manage", "seed_bench", "--tickets", more, "--comments", "--batch", "5000"))


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"p50": round(statistics.median(ordered), 1), "p95": pct(0.95), "max": pct(1.0)}


def timed(name: str, call: Callable[[int], Any], args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(args.warmup):
        call(i)
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        call(i)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    # Queries and their database time, in separate runs (the query log costs a little).
    queries: list[int] = []
    sql_ms: list[float] = []
    for i in range(min(args.runs, 20)):
        with CaptureQueriesContext(connection) as captured:
            call(i)
        queries.append(len(captured.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    row = {
        "scenario": name,
        "wall": percentiles(wall),
        "cpu_p50": round(statistics.median(cpu), 1),
        "queries": statistics.median_low(queries),  # a request that reloads refdata reads 5 more
        "sql_ms_p50": round(statistics.median(sql_ms), 1),
    }
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def profile(name: str, call: Callable[[int], Any]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(20):
        call(i)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(45)
    print(f"--- cProfile: {name}, 20 calls ---\n{out.getvalue()}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print(f"--- by own time ---\n{out.getvalue()}")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from gongdan.accounts.choices import Role
    from gongdan.accounts.models import User
    from gongdan.tickets import selectors
    from gongdan.tickets.models import Ticket

    settings.ALLOWED_HOSTS = ["*"]
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    agent = (
        User.objects.filter(role=Role.AGENT, is_active=True)
        .annotate(n_teams=Count("membership"))
        .order_by("-n_teams", "pk")
        .first()
    )
    assert admin and agent, "no admin or agent: seed the demo data first"
    clients = {}
    for user in (admin, agent):
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    visible = selectors.ticket_list(user=agent).order_by()
    pks = list(visible.values_list("pk", flat=True)[:50_000])
    rnd = random.Random(7)
    numbers = list(
        Ticket.objects.filter(pk__in=rnd.sample(pks, min(len(pks), 500))).values_list(
            "number", flat=True
        )
    )
    list_url = reverse("tickets:list")

    def get(user: Any, url: str) -> None:
        response = clients[user.pk].get(url)
        assert response.status_code == 200, (url, response.status_code)

    scenarios: dict[str, Callable[[int], Any]] = {
        "list page, agent": lambda i: get(agent, list_url),
        "list page, admin": lambda i: get(admin, list_url),
        "ticket page, agent": lambda i: get(
            agent, reverse("tickets:detail", args=[numbers[i % len(numbers)]])
        ),
        "tab counts, agent": lambda i: selectors.view_counts(user=agent),
        "tab counts, admin": lambda i: selectors.view_counts(user=admin),
    }
    rows = [timed(name, call, args) for name, call in scenarios.items()]
    if args.profile:
        profile("ticket page", scenarios["ticket page, agent"])
        profile("list page, agent", scenarios["list page, agent"])
    from django.db import connection

    return {
        "tickets": Ticket.objects.count(),
        "database": connection.vendor,
        "agent": agent.username,
        "agent_teams": agent.n_teams,  # type: ignore[attr-defined]
        "rows": rows,
    }


def main() -> None:
    args = parse_args()
    environment(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
    if not args.no_seed:
        seed(args)
    load = os.getloadavg()
    report = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_before": [round(x, 1) for x in load],
        **measure(args),
        "load_after": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps({k: v for k, v in report.items() if k != "rows"}, ensure_ascii=False))
    print("\n| scenario | wall p50 | wall p95 | CPU p50 | queries | SQL ms p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in report["rows"]:
        print(
            f"| {row['scenario']} | {row['wall']['p50']} | {row['wall']['p95']} | "
            f"{row['cpu_p50']} | {row['queries']} | {row['sql_ms_p50']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
