#!/usr/bin/env python
"""Smart-assignment benchmark: how long one decision takes with A agents and S skills.

    .venv/bin/python bench/assignment_bench.py --agents 1000 --skills 50             # SQLite
    .venv/bin/python bench/assignment_bench.py --agents 1000 --skills 50 \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_asg_bench --recreate-db

One team of A agents (most online, random capacities, seniority, homes around Shanghai, 5 of the
S skills each at random levels — one of them the skill incidents require at level 2 or more —
and a performance record each), T open tickets spread over them as load, and a rule that weighs
all six strategies with a radius.
Then, for R tickets of random priority:

- ``rank``: the pure scoring of the bulk-loaded candidates (what the engine itself costs);
- ``decide``: the whole decision, ``load_context`` + ``rank``: two queries (the data version and
  the team's open loads) when the per-process cache of the candidates holds;
- ``decide after a change``: the same right after a write to a cached table (an agent's
  seniority here), so that the candidates are loaded, screened and scored again;
- ``decide after a switch``: the same right after an agent switched between online and away
  (availability is read by every decision, so the cache holds);
- ``create``: a whole ``ticket_create`` with automatic assignment (locks, timeline, audit,
  outbox), and ``create (manual team)`` the same with automatic assignment switched off.

``rank (CPU)`` is the thread's CPU time for ``rank`` (less disturbed by other processes on a
busy machine than wall time). The slowest percentile includes Python's cyclic garbage collector
walking every object of the process; ``--gc-freeze`` calls ``gc.freeze()`` first, as a server
that pre-forks its workers after loading Django would.

Prints p50 / p95 / p99 in milliseconds. Target: ``decide`` p95 < 5 ms at 1,000 agents.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
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
        os.environ.setdefault("SECRET_KEY", "assignment-bench")
    os.environ["GONGDAN_TASKS_IMMEDIATE"] = "0"


def recreate_db(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def generate(agents: int, skills: int, tickets: int, rng: random.Random) -> None:
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from gongdan.accounts.choices import Role
    from gongdan.accounts.models import AgentProfile, AgentSkill, Membership, Skill, User
    from gongdan.assignment.models import (
        AgentPerformance,
        AssignmentRule,
        SkillRequirement,
        TeamAssignment,
    )
    from gongdan.testing import make_world
    from gongdan.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    if AssignmentRule.objects.filter(name="bench").exists():
        print("  reusing the generated data")
        return
    started = time.monotonic()
    world = make_world()
    with transaction.atomic():
        skill_rows = Skill.objects.bulk_create(
            [Skill(code=f"s{i}", name=f"技能 {i}") for i in range(skills)]
        )
        users = User.objects.bulk_create(
            [
                User(username=f"bench{i}", role=Role.AGENT, display_name=f"坐席 {i}", password="!")
                for i in range(agents)
            ]
        )
        Membership.objects.bulk_create([Membership(team=world.it_team, user=u) for u in users])
        profiles = AgentProfile.objects.bulk_create(
            [
                AgentProfile(
                    user=u,
                    capacity=rng.randint(5, 30),
                    availability=rng.choices(["online", "away", "offline"], [8, 1, 1])[0],
                    seniority=rng.randint(0, 15),
                    latitude=Decimal(f"{31.23 + rng.uniform(-0.5, 0.5):.6f}"),
                    longitude=Decimal(f"{121.47 + rng.uniform(-0.5, 0.5):.6f}"),
                )
                for u in users
            ]
        )
        AgentSkill.objects.bulk_create(
            [
                AgentSkill(profile=p, skill=s, level=rng.randint(1, 5))
                for p in profiles
                for s in [skill_rows[0], *rng.sample(skill_rows[1:], 4)]
            ]
        )
        SkillRequirement.objects.create(
            ticket_type=world.incident, skill=skill_rows[0], min_level=2
        )
        AssignmentRule.objects.create(
            name="bench",
            weight_skills=3,
            weight_workload=5,
            weight_priority=2,
            weight_location=2,
            weight_performance=2,
            weight_round_robin=1,
            latitude=Decimal("31.230000"),
            longitude=Decimal("121.470000"),
            max_radius_km=60,
        )
        TeamAssignment.objects.create(team=world.it_team, auto_assign=True)
        now = timezone.now()
        AgentPerformance.objects.bulk_create(
            [
                AgentPerformance(
                    user=u,
                    tickets=50,
                    resolved=rng.randint(20, 50),
                    resolution_rate=rng.random(),
                    avg_resolution_seconds=rng.randint(600, 200_000),
                    reopen_rate=rng.random() / 5,
                    computed_at=now,
                )
                for u in users
            ]
        )
        contact = world.customer_contact
        priorities = ["low", "normal", "high", "urgent"]
        Ticket.objects.bulk_create(
            [
                Ticket(
                    number=f"BENCH-{i:07d}",
                    title=f"负载 {i}",
                    ticket_type=world.incident,
                    requester=contact,
                    team=world.it_team,
                    assignee=rng.choice(users),
                    status="assigned",
                    priority=rng.choice(priorities),
                )
                for i in range(tickets)
            ],
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give
    print(f"  generated in {time.monotonic() - started:.1f} s")


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"p50 {q[49]:.2f} ms  p95 {q[94]:.2f} ms  p99 {q[98]:.2f} ms  (n={len(ms)})"


def measure(rounds: int, rng: random.Random, *, freeze: bool) -> dict[str, str]:
    from django.db import transaction

    from gongdan.assignment import engine, services
    from gongdan.assignment.models import TeamAssignment
    from gongdan.customers.models import Contact
    from gongdan.tickets.models import Ticket, TicketType
    from gongdan.tickets.services import ticket_create

    incident = TicketType.objects.get(code="incident")
    contact = Contact.objects.get(user__username="customer")
    customer = contact.user
    team = incident.default_team
    priorities = ["low", "normal", "high", "urgent"]
    probe = Ticket(ticket_type=incident, team=team, priority="normal", channel="web")
    engine.decide(probe)  # warm the rule cache and the connection
    if freeze:
        gc.freeze()  # what a pre-forking server does after start: old objects leave the GC's scans
    ranks, rank_cpu, decides, rebuilt, switched, creates, manual = [], [], [], [], [], [], []
    candidates = 0
    for _ in range(rounds):
        probe.priority = rng.choice(priorities)
        t0 = time.perf_counter()
        ctx = engine.load_context(probe)
        t1 = time.perf_counter()
        c1 = time.thread_time()
        decision = engine.rank(ctx)
        rank_cpu.append(time.thread_time() - c1)
        t2 = time.perf_counter()
        ranks.append(t2 - t1)
        decides.append(t2 - t0)
        candidates = len(ctx.candidates)
        assert decision.agent_id is not None
    from gongdan.accounts.models import AgentProfile

    somebody = AgentProfile.objects.filter(user__username="bench0")
    for i in range(max(1, rounds // 8)):
        somebody.update(seniority=i % 15)  # any write to a cached table: a new data version
        t0 = time.perf_counter()
        decision = engine.rank(engine.load_context(probe))
        rebuilt.append(time.perf_counter() - t0)
        assert decision.agent_id is not None
    for i in range(max(1, rounds // 8)):
        somebody.update(availability=("away", "online")[i % 2])  # read per decision, not cached
        t0 = time.perf_counter()
        decision = engine.rank(engine.load_context(probe))
        switched.append(time.perf_counter() - t0)
        assert decision.agent_id is not None
    for i in range(max(1, rounds // 4)):
        t0 = time.perf_counter()
        with transaction.atomic():
            ticket = ticket_create(
                actor=customer, title=f"bench {i}", ticket_type=incident, priority="low"
            )
        creates.append(time.perf_counter() - t0)
        assert ticket.assignee_id is not None
    TeamAssignment.objects.filter(team=team).update(auto_assign=False)
    services.invalidate()
    for i in range(max(1, rounds // 4)):
        t0 = time.perf_counter()
        with transaction.atomic():
            ticket = ticket_create(
                actor=customer, title=f"manual {i}", ticket_type=incident, priority="low"
            )
        manual.append(time.perf_counter() - t0)
        assert ticket.assignee_id is None
    TeamAssignment.objects.filter(team=team).update(auto_assign=True)
    return {
        "candidates": str(candidates),
        "rank": percentiles(ranks),
        "rank (CPU)": percentiles(rank_cpu),
        "decide": percentiles(decides),
        "decide after a change": percentiles(rebuilt),
        "decide after a switch": percentiles(switched),
        "create": percentiles(creates),
        "create (manual team)": percentiles(manual),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--skills", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=10_000, help="open tickets (load)")
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recreate-db", action="store_true")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() before measuring (see docstring)"
    )
    args = parser.parse_args()
    args.data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="gdasg-"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.recreate_db and args.database_url:
        recreate_db(args.database_url)
    setup_env(args)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.db import connection

    rng = random.Random(args.seed)
    print(
        f"{connection.vendor}: {args.agents} agents, {args.skills} skills, {args.tickets} tickets"
    )
    generate(args.agents, args.skills, args.tickets, rng)
    for name, value in measure(args.rounds, rng, freeze=args.gc_freeze).items():
        print(f"  {name:22} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
