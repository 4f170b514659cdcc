#!/usr/bin/env python
"""SLA sweep benchmark: N open tickets with running clocks, D of them due; time one sweep tick.

    .venv/bin/python bench/sla_bench.py --tickets 1000000 --due 1000            # SQLite
    .venv/bin/python bench/sla_bench.py --tickets 1000000 --due 1000 \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_sla_bench --recreate-db

Tickets and clocks are generated with set-based SQL (seconds for a million rows), then the sweep
runs in this process exactly as the periodic job runs it. Each due clock breaches and fires its
first escalation level (notify the assignee and the team lead, raise the priority): every firing
writes its timeline entry, audit event, notifications and outbox event. A second tick right after
must find nothing (each firing happens once). The cost should follow D, not N: run it with
different N to see that.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
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
        os.environ.setdefault("SECRET_KEY", "sla-bench")
    # Firings write notifications and outbox rows; dispatching them is not part of the tick.
    os.environ["GONGDAN_TASKS_IMMEDIATE"] = "0"


def recreate_db(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    base = url.rsplit("/", 1)[0]
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    del base


def generate(n: int, due: int) -> None:
    """World, one policy with an escalation level, N open tickets with clocks, D of them due."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from gongdan.sla.models import EscalationLevel, SlaPolicy
    from gongdan.testing import make_world

    call_command("migrate", verbosity=0)
    if SlaPolicy.objects.exists():
        print("  reusing the generated data")
        return
    world = make_world()
    world.it_team.lead = world.supervisor
    world.it_team.save()
    policy = SlaPolicy.objects.create(
        name="bench", business_time=False, resolution_minutes=480, warn_percents=[]
    )
    EscalationLevel.objects.create(
        policy=policy, after_minutes=0, notify_team_lead=True, raise_priority=True
    )
    contact = world.customer_contact
    now = timezone.now()
    started = time.monotonic()
    vendor = connection.vendor
    series = (
        "generate_series(1, %s) AS s(i)"
        if vendor == "postgresql"
        else "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
        "SELECT i FROM s) AS s"
    )
    concat = "'SLA-' || s.i"
    # Due: the first D tickets were due a minute ago; the rest are due within the next week.
    due_expr = (
        "CASE WHEN s.i <= %s THEN %s::timestamptz - interval '1 minute' "
        "ELSE %s::timestamptz + (1 + s.i %% 10000) * interval '1 minute' END"
        if vendor == "postgresql"
        else "CASE WHEN s.i <= %s THEN datetime(%s, '-1 minute') "
        "ELSE datetime(%s, '+' || (1 + s.i %% 10000) || ' minutes') END"
    )
    stamp = now.isoformat() if vendor == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tickets_ticket (number, title, description, ticket_type_id, priority,"
            " status, channel, requester_id, organization_id, team_id, assignee_id,"
            " created_by_id, version, created_at, updated_at, resolution_due_at, sla_due_at)"
            f" SELECT {concat}, 'bench ' || s.i, '', %s, 'normal', 'assigned', 'web', %s, %s,"
            f" %s, %s, %s, 1, %s, %s, {due_expr}, {due_expr} FROM {series}",
            [
                world.incident.pk,
                contact.pk,
                contact.organization_id,
                world.it_team.pk,
                world.agent.pk,
                world.supervisor.pk,
                stamp,
                stamp,
                due,
                stamp,
                stamp,
                due,
                stamp,
                stamp,
                n,
            ],
        )
        cursor.execute(
            "INSERT INTO sla_slaclock (ticket_id, policy_id, target, target_minutes,"
            " business_time, started_at, running_since, elapsed_seconds, due_at,"
            " warned_percent, escalation_level, reminded)"
            " SELECT id, %s, 'resolution', 480, %s, created_at, created_at, 0, sla_due_at, 0, 0,"
            " %s"
            " FROM tickets_ticket WHERE number LIKE 'SLA-%%'",
            [policy.pk, False, False],
        )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  generated {n:,} tickets with clocks in {time.monotonic() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recreate-db", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the first tick")
    parser.add_argument(
        "--repeat",
        type=int,
        default=0,
        help="then undo the firings and run the tick again, this many times (same data)",
    )
    args = parser.parse_args()
    args.data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="gd-sla-bench-"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.recreate_db and args.database_url:
        recreate_db(args.database_url)
    setup_env(args)
    sys.path.insert(0, str(REPO / "src"))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Min

    from gongdan.sla.models import SlaClock
    from gongdan.sla.sweep import sweep

    print(f"{connection.vendor}: {args.tickets:,} open tickets, {args.due:,} due")
    generate(args.tickets, args.due)
    running = SlaClock.objects.filter(running_since__isnull=False).count()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    # Every tick sweeps at the same moment, 30 s after generation (the D due clocks were due a
    # minute before it, the next ones a minute after it): exactly D are due, however old the data.
    undo_firings()  # reused data: as generated
    at = SlaClock.objects.aggregate(first=Min("due_at"))["first"] + timedelta(seconds=90)
    started = time.monotonic()
    result = sweep(now=at)
    first = time.monotonic() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        order = os.environ.get("PROFILE_SORT", "cumulative")  # or tottime
        pstats.Stats(profiler).sort_stats(order).print_stats(30)
    started = time.monotonic()
    again = sweep(now=at)
    second = time.monotonic() - started
    print(f"  running clocks: {running:,}")
    print(
        f"  tick 1: {first:.3f} s — {result.breaches} breaches, {result.escalations} escalations,"
        f" {len(result.errors)} errors"
    )
    print(f"  tick 2: {second:.3f} s — {again.breaches} breaches, {again.escalations} escalations")
    ticks = []
    for _ in range(args.repeat):
        undo_firings()
        started = time.monotonic()
        result = sweep(now=at)
        ticks.append(time.monotonic() - started)
        print(
            f"  re-run: {ticks[-1]:.3f} s — {result.breaches} breaches,"
            f" {result.escalations} escalations"
        )
    if ticks:
        ticks.sort()
        print(
            f"  re-runs: median {ticks[len(ticks) // 2]:.3f} s, best {ticks[0]:.3f} s,"
            f" worst {ticks[-1]:.3f} s"
        )


def undo_firings() -> None:
    """Put the fired clocks and their tickets back as they were before the first tick.

    The rows the firings wrote (timeline, audit, notifications, outbox) stay: later ticks write
    into ever larger tables, as a live installation does.
    """
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET sla_breached_at = NULL, priority = 'normal' WHERE id IN"
            " (SELECT ticket_id FROM sla_slaclock WHERE breached_at IS NOT NULL)"
        )
        cursor.execute(
            "UPDATE sla_slaclock SET breached_at = NULL, escalation_level = 0, escalate_at = NULL"
            " WHERE breached_at IS NOT NULL"
        )


if __name__ == "__main__":
    main()
