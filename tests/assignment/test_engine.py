"""The scoring engine, pure: one strategy at a time, then combined, with the explanation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gongdan.assignment.engine import Candidate, Context, distance_km, rank

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ZERO = {
    "skills": 0,
    "workload": 0,
    "priority": 0,
    "location": 0,
    "performance": 0,
    "round_robin": 0,
}


def ctx(candidates: list[Candidate], priority: str = "normal", **kw: object) -> Context:
    weights = {**ZERO, **kw.pop("weights", {})}  # type: ignore[dict-item]
    return Context(
        ticket_id=1,
        priority=priority,
        weights=weights,
        required=kw.pop("required", {}),  # type: ignore[arg-type]
        skill_labels={1: "VPN", 2: "SAP"},
        candidates=candidates,
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )


def cand(uid: int, **kw: object) -> Candidate:
    base: dict[str, object] = {
        "user_id": uid,
        "name": f"a{uid}",
        "availability": "online",
        "on_leave_until": None,
        "capacity": 10.0,
        "load": 0.0,
    }
    return Candidate(**{**base, **kw})  # type: ignore[arg-type]


def test_workload_prefers_the_least_loaded_relative_to_capacity() -> None:
    decision = rank(
        ctx(
            [cand(1, load=5.0), cand(2, load=2.0, capacity=4.0), cand(3, load=1.0)],
            weights={"workload": 10},
        )
    )

    assert decision.agent_id == 3
    assert [(s.user_id, round(s.total, 2)) for s in decision.scored] == [
        (3, 9.0),
        (1, 5.0),
        (2, 5.0),
    ]
    assert decision.scored[0].parts == {"workload": 9.0}


def test_capacity_counts_the_ticket_priority_weight() -> None:
    # load 8 + urgent 4 > 10: passed over; load 8 + low 0.5 fits
    urgent = rank(ctx([cand(1, load=8.0)], priority="urgent", weights={"workload": 1}))
    low = rank(ctx([cand(1, load=8.0)], priority="low", weights={"workload": 1}))

    assert urgent.agent_id is None
    assert [(p.user_id, p.reason, p.detail) for p in urgent.passed] == [(1, "at_capacity", "8/10")]
    assert low.agent_id == 1


def test_skills_require_the_minimum_level_and_prefer_the_expert() -> None:
    candidates = [
        cand(1, skills={1: 2}),
        cand(2, skills={1: 5}),
        cand(3, skills={1: 3}),
        cand(4, skills={}),
    ]
    decision = rank(ctx(candidates, required={1: 3}, weights={"skills": 10}))

    assert decision.agent_id == 2
    assert [(s.user_id, s.parts["skills"]) for s in decision.scored] == [(2, 10.0), (3, 6.0)]
    assert [(p.user_id, p.reason, p.detail) for p in decision.passed] == [
        (1, "lacks_skill", "VPN 2/3"),
        (4, "lacks_skill", "VPN 0/3"),
    ]


def test_unavailable_agents_are_passed_over_with_the_reason() -> None:
    candidates = [
        cand(1, availability="offline"),
        cand(2, availability="away"),
        cand(3, on_leave_until=NOW + timedelta(days=2)),
        cand(4, on_leave_until=NOW - timedelta(days=1)),  # back from leave
    ]
    decision = rank(ctx(candidates, weights={"workload": 1}))

    assert decision.agent_id == 4
    assert [(p.user_id, p.reason) for p in decision.passed] == [
        (1, "offline"),
        (2, "away"),
        (3, "on_leave"),
    ]


def test_priority_gives_urgent_tickets_to_seniors_and_low_ones_to_juniors() -> None:
    candidates = [cand(1, seniority=1), cand(2, seniority=10), cand(3, seniority=5)]

    urgent = rank(ctx(candidates, priority="urgent", weights={"priority": 10}))
    low = rank(ctx(candidates, priority="low", weights={"priority": 10}))
    normal = rank(ctx(candidates, priority="normal", weights={"priority": 10}))

    assert (urgent.agent_id, low.agent_id, normal.agent_id) == (2, 1, 3)
    assert urgent.scored[0].parts == {"priority": 10.0}


def test_location_prefers_the_nearest_and_passes_over_the_far_and_unknown() -> None:
    shanghai = (31.2304, 121.4737)
    candidates = [
        cand(1, latitude=31.30, longitude=121.50),  # ~8 km
        cand(2, latitude=31.25, longitude=121.47),  # ~2 km
        cand(3, latitude=39.90, longitude=116.40),  # Beijing, ~1070 km
        cand(4),
    ]
    decision = rank(ctx(candidates, weights={"location": 10}, site=shanghai, max_radius_km=50.0))

    assert decision.agent_id == 2
    assert [s.user_id for s in decision.scored] == [2, 1]
    assert decision.scored[0].distance_km is not None and decision.scored[0].distance_km < 3
    assert [(p.user_id, p.reason) for p in decision.passed] == [(3, "too_far"), (4, "no_location")]
    assert decision.passed[0].detail.endswith(" km")


def test_distance_is_the_great_circle() -> None:
    assert round(distance_km((31.2304, 121.4737), (39.9042, 116.4074))) == 1067


def test_performance_prefers_the_better_record_and_is_neutral_without_one() -> None:
    candidates = [
        cand(1, performance=(0.9, 3600.0, 0.0)),
        cand(2, performance=(0.4, 86400.0, 0.5)),
        cand(3),
    ]
    decision = rank(ctx(candidates, weights={"performance": 10}))

    assert [s.user_id for s in decision.scored] == [1, 3, 2]
    assert round(decision.scored[0].parts["performance"], 2) == 9.42
    assert decision.scored[1].parts["performance"] == 5.0


def test_round_robin_goes_to_the_next_after_the_cursor_wrapping_around() -> None:
    candidates = [cand(5), cand(2), cand(9)]

    first = rank(ctx(candidates, weights={"round_robin": 1}))
    after_5 = rank(ctx(candidates, weights={"round_robin": 1}, last_user_id=5))
    after_9 = rank(ctx(candidates, weights={"round_robin": 1}, last_user_id=9))

    assert (first.agent_id, after_5.agent_id, after_9.agent_id) == (2, 9, 2)
    assert [s.user_id for s in after_5.scored] == [9, 2, 5]


def test_combined_weights_add_up_and_explain_each_part() -> None:
    candidates = [
        cand(1, load=6.0, skills={1: 5}),  # expert, busy
        cand(2, load=0.0, skills={1: 3}),  # competent, idle
    ]
    skills_first = rank(ctx(candidates, required={1: 3}, weights={"skills": 10, "workload": 2}))
    load_first = rank(ctx(candidates, required={1: 3}, weights={"skills": 2, "workload": 10}))

    assert skills_first.agent_id == 1
    assert skills_first.scored[0].parts == {"skills": 10.0, "workload": 0.8}
    assert round(skills_first.scored[0].total, 2) == 10.8
    assert load_first.agent_id == 2
    assert load_first.scored[0].parts == {"skills": 1.2, "workload": 10.0}


def test_ties_go_to_the_lower_load_ratio() -> None:
    decision = rank(ctx([cand(1, load=3.0), cand(2, load=1.0)], weights={"skills": 1}))

    assert decision.agent_id == 2


def test_nobody_eligible_gives_no_agent_and_the_reasons() -> None:
    decision = rank(ctx([cand(1, availability="offline")], weights={"workload": 5}))

    data = decision.as_data()
    assert decision.agent_id is None
    assert data["agent"] is None
    assert data["passed"] == [{"user": 1, "name": "a1", "reason": "offline", "detail": ""}]
    assert data["passed_count"] == 1
