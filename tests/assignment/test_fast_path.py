"""The fast path of decisions: open loads kept by triggers, the per-process cache of candidates
checked against the data version, and the cached ranking giving the same answer as the plain
one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from gongdan.accounts.models import AgentProfile, AgentSkill, Skill, User
from gongdan.assignment import engine, triggers
from gongdan.assignment.engine import Candidate, Context, Pool, rank
from gongdan.assignment.models import AgentLoad, SkillRequirement
from gongdan.testing import World
from gongdan.tickets.models import Ticket
from tests.assignment.conftest import agent, skill

pytestmark = pytest.mark.django_db


def counters(users: list[User]) -> dict[int, float]:
    rows = AgentLoad.objects.filter(user_id__in=[u.pk for u in users])
    return {r.user_id: r.open_load for r in rows if r.open_load}


def test_the_load_counter_follows_every_write_to_tickets(world: World) -> None:
    a = agent("a", world.it_team)
    b = agent("b", world.it_team)
    t1 = world.ticket(priority="urgent")
    t2 = world.ticket(priority="low")
    Ticket.objects.filter(pk=t1.pk).update(assignee=a, status="assigned")
    Ticket.objects.filter(pk=t2.pk).update(assignee=a, status="assigned")
    assert counters([a, b]) == engine.loads_of([a.pk, b.pk]) == {a.pk: 4.5}

    Ticket.objects.filter(pk=t2.pk).update(priority="high")  # the SLA sweep's raise
    Ticket.objects.filter(pk=t1.pk).update(assignee=b)  # reassigned
    assert counters([a, b]) == engine.loads_of([a.pk, b.pk]) == {a.pk: 2.0, b.pk: 4.0}

    Ticket.objects.filter(pk=t1.pk).update(status="closed")
    assert counters([a, b]) == engine.loads_of([a.pk, b.pk]) == {a.pk: 2.0}
    Ticket.objects.filter(pk=t1.pk).update(status="reopened")
    Ticket.objects.filter(pk=t2.pk).delete()
    assert counters([a, b]) == engine.loads_of([a.pk, b.pk]) == {b.pk: 4.0}
    assert engine.team_loads(world.it_team.pk)[b.pk] == 4.0


def test_the_load_weights_of_the_triggers_are_the_engines() -> None:
    sql = triggers._weight("t")
    for priority, weight in engine.LOAD_WEIGHTS.items():
        assert f"WHEN '{priority}' THEN {weight:.1f}" in sql


def test_missing_triggers_are_put_back_after_migrate_with_the_loads_recounted(
    world: World,
) -> None:
    a = agent("a", world.it_team)
    ticket = world.ticket(priority="high")
    triggers.uninstall(connection)
    assert not triggers.present(connection)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=a, status="assigned")  # not counted

    triggers.ensure("default")

    assert triggers.present(connection)
    assert counters([a]) == {a.pk: 2.0}


def _decide(world: World) -> engine.Decision:
    return engine.decide(Ticket(team=world.it_team, ticket_type=world.incident, priority="normal"))


def test_a_changed_capacity_or_level_counts_at_the_next_decision(world: World) -> None:
    """Written with ``update()`` (no Django signal, as another process would look): only the
    data version tells the cache."""
    SkillRequirement.objects.create(ticket_type=world.incident, skill=skill("vpn"), min_level=3)
    a = agent("a", world.it_team, skills={"vpn": 3}, capacity=10)
    b = agent("b", world.it_team, skills={"vpn": 2}, capacity=10)
    assert _decide(world).agent_id == a.pk
    before = engine.current_version()

    AgentSkill.objects.filter(profile__user=b).update(level=5)
    AgentProfile.objects.filter(user=a).update(capacity=0)

    assert engine.current_version() != before
    decision = _decide(world)
    assert decision.agent_id == b.pk
    assert {p.user_id: p.reason for p in decision.passed}[a.pk] == "at_capacity"


def test_availability_counts_at_once_without_emptying_the_cache(world: World) -> None:
    from gongdan.assignment.services import availability_set

    a = agent("a", world.it_team)
    assert _decide(world).agent_id == a.pk
    version = engine.current_version()

    AgentProfile.objects.filter(user=a).update(availability="away")
    assert _decide(world).agent_id is None
    availability_set(actor=a, user=a, availability="online")
    assert _decide(world).agent_id == a.pk
    User.objects.filter(pk=a.pk).update(last_login=datetime.now(UTC))

    assert engine.current_version() == version  # read per decision, not cached


def test_leave_and_role_changes_give_a_new_version(world: World) -> None:
    from gongdan.assignment.services import availability_set

    a = agent("a", world.it_team)
    version = engine.current_version()
    availability_set(actor=a, user=a, on_leave_until=datetime.now(UTC) + timedelta(days=2))
    assert engine.current_version() != version
    assert {p.user_id: p.reason for p in _decide(world).passed}[a.pk] == "on_leave"

    version = engine.current_version()
    availability_set(actor=a, user=a, on_leave_until=None)
    User.objects.filter(pk=a.pk).update(is_active=False)
    assert engine.current_version() != version
    assert _decide(world).agent_id is None


def test_a_renamed_skill_shows_in_the_next_explanation(world: World) -> None:
    SkillRequirement.objects.create(ticket_type=world.incident, skill=skill("vpn"), min_level=3)
    a = agent("a", world.it_team, skills={"vpn": 1})

    def detail() -> str:
        return next(p.detail for p in _decide(world).passed if p.user_id == a.pk)

    assert detail() == "vpn 1/3"
    Skill.objects.filter(code="vpn").update(name="VPN 接入")
    assert detail() == "VPN 接入 1/3"


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _random_candidates(rng: random.Random, n: int) -> list[Candidate]:
    out = []
    for uid in rng.sample(range(1, 10 * n), n):
        located = rng.random() < 0.9
        out.append(
            Candidate(
                user_id=uid,
                name=f"a{uid}",
                availability=rng.choice(["online"] * 6 + ["away", "offline"]),
                on_leave_until=rng.choice([None] * 8 + [NOW + timedelta(days=1), NOW]),
                capacity=float(rng.randint(0, 12)),
                load=rng.choice([0.0, 0.5, 1.0, 2.5, 4.0, 8.0, 11.5]),
                seniority=rng.randint(0, 15),
                latitude=31.2 + rng.uniform(-0.6, 0.6) if located else None,
                longitude=121.4 + rng.uniform(-0.6, 0.6) if located else None,
                skills={s: rng.randint(1, 5) for s in rng.sample([1, 2, 3], rng.randint(0, 3))},
                performance=rng.choice(
                    [None, (rng.random(), rng.uniform(0, 2e5), rng.random() / 4)]
                ),
            )
        )
    return out


@pytest.mark.parametrize("seed", range(12))
def test_the_cached_ranking_gives_the_plain_rankings_answer(seed: int) -> None:
    rng = random.Random(seed)
    candidates = _random_candidates(rng, 80)
    required = rng.choice([{}, {1: 2}, {1: 3, 2: 2}])
    site = rng.choice([None, (31.23, 121.47)])
    radius = rng.choice([None, 40.0]) if site else None
    weights = {k: rng.randint(0, 10) for k in engine.STRATEGIES}
    priority = rng.choice(["low", "normal", "high", "urgent"])
    last = rng.choice([None, *[c.user_id for c in candidates[:5]]])
    exclude = frozenset(rng.sample([c.user_id for c in candidates], 3))
    common = {
        "ticket_id": 1,
        "priority": priority,
        "weights": weights,
        "required": required,
        "skill_labels": {1: "VPN", 2: "SAP", 3: "打印机"},
        "now": NOW,
        "site": site,
        "max_radius_km": radius,
        "last_user_id": last,
    }
    plain = rank(Context(candidates=candidates, **common), exclude=exclude)  # type: ignore[arg-type]

    pool = _pool(candidates, required, site, radius)
    loads = {c.user_id: c.load for c in candidates}
    availability = {c.user_id: c.availability for c in candidates}
    fast = rank(
        Context(
            candidates=pool.candidates,
            pool=pool,
            loads=loads,
            availability=availability,
            **common,  # type: ignore[arg-type]
        ),
        exclude=exclude,
    )

    assert fast.agent_id == plain.agent_id
    assert [(s.user_id, s.total, s.parts, s.load, s.distance_km) for s in fast.scored] == [
        (s.user_id, s.total, s.parts, s.load, s.distance_km) for s in plain.scored
    ]
    assert sorted((p.user_id, p.reason, p.detail) for p in fast.passed) == sorted(
        (p.user_id, p.reason, p.detail) for p in plain.passed
    )


def _pool(
    candidates: list[Candidate],
    required: dict[int, int],
    site: tuple[float, float] | None,
    radius: float | None,
) -> Pool:
    """``_build_pool`` without the database: the same screening of copies without loads."""
    from unittest import mock

    copies = [
        Candidate(
            user_id=c.user_id,
            name=c.name,
            availability="offline",  # the pool must not read it
            on_leave_until=c.on_leave_until,
            capacity=c.capacity,
            load=0.0,
            seniority=c.seniority,
            latitude=c.latitude,
            longitude=c.longitude,
            skills=c.skills,
            performance=c.performance,
        )
        for c in candidates
    ]
    with (
        mock.patch.object(engine, "_candidates", return_value=copies),
        mock.patch.object(engine, "_fill"),
    ):
        return engine._build_pool(
            7, required, {1: "VPN", 2: "SAP", 3: "打印机"}, None, True, site, radius, NOW
        )
