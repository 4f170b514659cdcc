#!/usr/bin/env python
"""Reports benchmark: N tickets with a year of history, the facts rebuilt, report p95 per period.

    PYTHONPATH=$PWD/src .venv/bin/python bench/reports_bench.py --tickets 1000000 \\
        --data-dir /tmp/gdreports/sqlite                                           # SQLite
    PYTHONPATH=$PWD/src .venv/bin/python bench/reports_bench.py --tickets 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_reports --recreate-db  # PostgreSQL

1. Seeds N tickets with ``seed_bench --comments --history --years Y`` (bulk inserts, not the
   services: every status step, assignment, hand-over, team move and reply as timeline rows and
   comments, spread over Y years, over the demo's teams, agents, types, categories, channels and
   organizations; no SLA clocks), unless the database already holds N tickets.
2. Rebuilds the report facts and rollups (``reports_rebuild``), timed.
3. Calls the report selectors in this process (``report_overview``, ``report_timeseries``,
   ``report_agents``, ``report_stage_dwell``) as the administrator (the whole desk) for the
   last 90 days and the last year: ``--runs`` timed calls each after one warm-up; p50 / p95.
4. Ticket create cost with the rollup maintenance on and off, in the same run: ``--creates``
   tickets through ``ticket_create``, each followed by the outbox dispatch a worker would do
   (every subscriber), CPU time per ticket; then the same with the ``reports.facts``
   subscriber unregistered.

Benchmarks never run as tests. Results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GONGDAN = [sys.executable, "-m", "gongdan.cli"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=1.0, help="history spread (default 1)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--recreate-db", action="store_true", help="drop and create it first")
    parser.add_argument("--data-dir", type=Path, default=None, help="GONGDAN_DATA_DIR")
    parser.add_argument("--runs", type=int, default=20, help="timed calls per report and period")
    parser.add_argument("--creates", type=int, default=300, help="creates per on/off half")
    parser.add_argument("--skip-rebuild", action="store_true", help="facts are already built")
    parser.add_argument(
        "--dispatch-every",
        type=int,
        default=1,
        help="creates per outbox dispatch in the rollup-cost halves (the batch a worker claims;"
        " default 1: a dispatch after each create)",
    )
    parser.add_argument(
        "--rollup-cost-only", action="store_true", help="skip the report timings (step 3)"
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    return parser.parse_args()


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL"}
    }
    env["GONGDAN_DATA_DIR"] = str(args.data_dir)
    env["GONGDAN_LOG_LEVEL"] = "WARNING"
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        env.setdefault("SECRET_KEY", "reports-bench-" + "x" * 40)
    return env


def gongdan(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [*GONGDAN, *argv], env=env, capture_output=True, text=True, check=False, cwd=REPO
    )
    if result.returncode != 0:
        sys.exit(f"gongdan {' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def recreate_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    base = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    base += ["-U", parts.username or "postgres"]
    for tool in ("dropdb", "createdb"):
        if not shutil.which(tool):
            sys.exit(f"--recreate-db needs the {tool} program (Debian: postgresql-client)")
    name = parts.path.lstrip("/")
    subprocess.run(["dropdb", *base, "--if-exists", name], check=True)
    subprocess.run(["createdb", *base, name], check=True)


def seed_and_rebuild(env: dict[str, str], args: argparse.Namespace) -> dict[str, float]:
    gongdan(env, "manage", "migrate", "-v", "0")
    gongdan(env, "manage", "createcachetable")
    count_code = "from gongdan.tickets.models import Ticket; print(Ticket.objects.count())"
    count = int(gongdan(env, "manage", "shell", "-c", count_code).split()[-1])
    timings: dict[str, float] = {}
    if count < args.tickets:
        started = time.monotonic()
        out = gongdan(
            env,
            "manage",
            "seed_bench",
            "--tickets",
            str(args.tickets - count),
            "--comments",
            "--history",
            "--years",
            str(args.years),
            "--batch",
            "5000",
        )
        timings["seed_seconds"] = round(time.monotonic() - started, 1)
        print(out, end="", flush=True)
    else:
        print(f"database already has {count} tickets; not seeding", flush=True)
    if not args.skip_rebuild:
        started = time.monotonic()
        out = gongdan(env, "manage", "reports_rebuild", "--batch", "2000")
        timings["rebuild_seconds"] = round(time.monotonic() - started, 1)
        print(out.strip().splitlines()[-1], f"in {timings['rebuild_seconds']} s", flush=True)
    return timings


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "p50_ms": round(pct(50), 1),
        "p95_ms": round(pct(95), 1),
        "max_ms": round(ordered[-1], 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
    }


def timed(call: Callable[[], Any], runs: int) -> dict[str, float]:
    call()  # warm: per-process caches, the database's page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def measure_reports(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.utils import timezone

    from gongdan.accounts.models import User
    from gongdan.reports import selectors
    from gongdan.reports.filters import ReportFilters
    from gongdan.reports.periods import Period

    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    filters = ReportFilters()
    rows = []
    for label, days, interval in (("90 days", 90, "day"), ("1 year", 365, "week")):
        period = Period(start=today - timedelta(days=days - 1), end=today)
        calls: dict[str, Callable[[], Any]] = {
            "report_overview": lambda p=period: selectors.report_overview(
                user=admin, period=p, filters=filters
            ),
            f"report_timeseries (created per {interval}, by team)": lambda p=period, i=interval: (
                selectors.report_timeseries(
                    user=admin,
                    metric="created",
                    interval=i,
                    group_by="team",
                    period=p,
                    filters=filters,
                )
            ),
            f"report_timeseries (backlog per {interval})": lambda p=period, i=interval: (
                selectors.report_timeseries(
                    user=admin,
                    metric="backlog",
                    interval=i,
                    group_by="",
                    period=p,
                    filters=filters,
                )
            ),
            "report_agents": lambda p=period: selectors.report_agents(
                user=admin, period=p, filters=filters
            ),
            "report_stage_dwell": lambda p=period: selectors.report_stage_dwell(
                user=admin, period=p, filters=filters
            ),
        }
        for name, call in calls.items():
            row = {"period": label, "report": name, **timed(call, args.runs)}
            print(f"  {label}: {name}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms", flush=True)
            rows.append(row)
    return rows


def create_cost(count: int, every: int = 1) -> dict[str, float]:
    """CPU ms per ticket: ``ticket_create`` plus the worker's outbox dispatch of its events
    (one dispatch per ``every`` creates: the batch a worker claims under a steady create rate)."""
    from gongdan.accounts.models import User
    from gongdan.customers.models import Contact
    from gongdan.jobs.outbox import dispatch_outbox
    from gongdan.tickets.services import ticket_create

    admin = User.objects.get(username="admin")
    requester = Contact.objects.order_by("id").first()
    dispatch_outbox(max_batches=10_000)  # whatever earlier runs left
    cpu_web = cpu_worker = 0.0
    events = dispatches = 0
    started = time.perf_counter()
    for index in range(count):
        cpu = time.process_time()
        ticket_create(actor=admin, title=f"报表基准 reports bench #{index}", requester=requester)
        cpu_web += time.process_time() - cpu
        if (index + 1) % every and index + 1 < count:
            continue
        cpu = time.process_time()
        events += dispatch_outbox()
        dispatches += 1
        cpu_worker += time.process_time() - cpu
    wall = time.perf_counter() - started
    return {
        "creates": count,
        "cpu_ms_create": round(cpu_web / count * 1000, 2),
        "cpu_ms_dispatch": round(cpu_worker / count * 1000, 2),
        "cpu_ms_total": round((cpu_web + cpu_worker) / count * 1000, 2),
        "per_s_wall": round(count / wall, 1),
        "events_per_dispatch": round(events / max(1, dispatches), 1),
    }


def measure_rollup_cost(args: argparse.Namespace) -> dict[str, Any]:
    from gongdan.jobs import outbox

    name = "reports.facts"
    if name not in outbox._subscribers:
        return {"error": f"no outbox subscriber {name!r}: nothing to switch off"}
    every = max(1, args.dispatch_every)
    create_cost(20, every)  # warm
    kept = outbox._subscribers[name]
    result: dict[str, Any] = {}
    # Alternate halves (on, off, on, off) so that a change of load hits both alike.
    halves: dict[str, list[dict[str, float]]] = {"on": [], "off": []}
    for state in ("on", "off", "on", "off"):
        if state == "off":
            outbox._subscribers.pop(name, None)
        else:
            outbox._subscribers[name] = kept
        halves[state].append(create_cost(args.creates // 2, every))
    outbox._subscribers[name] = kept
    for state, runs in halves.items():
        result[state] = {
            key: round(statistics.fmean(r[key] for r in runs), 2) for key in runs[0] if key
        }
    on, off = result["on"]["cpu_ms_total"], result["off"]["cpu_ms_total"]
    result["rollup_cost_percent"] = round((on - off) / off * 100, 1)
    result["dispatch_every"] = every
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(
        f"  create + dispatch (every {every}), CPU per ticket: rollups on {on} ms, off {off} ms "
        f"({result['rollup_cost_percent']} %)",
        flush=True,
    )
    return result


def main() -> None:
    args = parse_args()
    if args.data_dir is None:
        args.data_dir = Path(tempfile.mkdtemp(prefix="gongdan-reports-bench-"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url and args.recreate_db:
        recreate_database(args.database_url)
    env = environment(args)
    timings = seed_and_rebuild(env, args)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
    import django

    django.setup()
    from gongdan.tickets.models import Ticket

    report: dict[str, Any] = {
        "shape": "PostgreSQL" if args.database_url else "SQLite (embedded)",
        "tickets_in_db": Ticket.objects.count(),
        **timings,
        "command": " ".join(sys.argv),
    }
    report["reports"] = [] if args.rollup_cost_only else measure_reports(args)
    report["rollup_cost"] = measure_rollup_cost(args)
    print(f"\n{report['shape']} — {report['tickets_in_db']} tickets\n")
    print("| period | report | p50 ms | p95 ms | max ms |")
    print("|---|---|---:|---:|---:|")
    for r in report["reports"]:
        print(f"| {r['period']} | {r['report']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |")
    print(json.dumps(report["rollup_cost"], indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
