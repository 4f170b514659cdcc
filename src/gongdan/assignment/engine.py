"""Who should get a ticket, and why: the scoring engine of smart assignment.

``decide(ticket)`` = ``load_context(ticket)`` (a fixed number of bulk queries, whatever the number
of agents: rules and requirements from a per-process cache, the team's candidates in one query,
their levels in the required skills in one, their weighted loads in one aggregate, their
performance rows in one) + ``rank(context)`` (pure: no database, no clock).

Each eligible candidate gets a score per strategy between 0 and 1, multiplied by the rule's
weight (0–10) and summed:

- **skills**: the mean of level / 5 over the required skills (0 when nothing is required);
- **workload**: 1 − load / capacity;
- **priority**: the more urgent the ticket, the more senior the agent: 1 − |p − s| with
  p = priority rank / 4 (low 0.25 … urgent 1) and s = min(seniority, 10) / 10;
- **location**: 1 − distance / radius (1 / (1 + distance / 50 km) without a radius), from the
  rule's service area to the agent's current location (reported in the last 12 hours) or home;
- **performance**: 0.5 × resolution rate + 0.3 × (1 − reopen rate) + 0.2 / (1 + average hours to
  resolve / 24), for the ticket's category if the agent has a record there, else overall; 0.5
  for an agent without a record;
- **round robin**: 1 for the next agent after the rule's cursor (by user id, wrapping), falling
  linearly to 0 for the one who just had a turn.

Ties go to the lower load ratio, then to the round-robin order. Candidates are passed over (with
the reason kept) when on leave, offline, away, lacking a required skill at the minimum level, at
capacity, or outside the rule's radius.

**Load** = the agent's open tickets weighted by priority: urgent 4, high 2, normal 1, low 0.5
(``LOAD_WEIGHTS``). An agent may take a ticket while load + the ticket's weight ≤ capacity.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from gongdan.accounts.choices import Availability, Role
from gongdan.accounts.models import AgentProfile, AgentSkill, Membership, Skill
from gongdan.assignment.choices import PassReason, Strategy
from gongdan.assignment.models import (
    AgentPerformance,
    AssignmentRule,
    RoundRobinCursor,
    RuleSkill,
    SkillRequirement,
)
from gongdan.core.cache import invalidate_on
from gongdan.tickets.choices import PRIORITY_RANK, Priority
from gongdan.tickets.models import Ticket

LOAD_WEIGHTS: dict[str, float] = {
    Priority.URGENT: 4.0,
    Priority.HIGH: 2.0,
    Priority.NORMAL: 1.0,
    Priority.LOW: 0.5,
}
DEFAULT_WEIGHTS: dict[str, int] = {
    Strategy.SKILLS: 3,
    Strategy.WORKLOAD: 5,
    Strategy.PRIORITY: 0,
    Strategy.LOCATION: 0,
    Strategy.PERFORMANCE: 0,
    Strategy.ROUND_ROBIN: 1,
}
LOCATION_FRESH = timedelta(hours=12)
ASSIGNABLE_ROLES = (Role.AGENT, Role.SUPERVISOR)
CACHE_TTL = 5.0
UNKNOWN: Any = object()


def load_expression() -> Case:
    """SQL for one open ticket's share of its assignee's load."""
    return Case(
        *[When(priority=p, then=Value(w)) for p, w in LOAD_WEIGHTS.items()],
        default=Value(1.0),
        output_field=FloatField(),
    )


# --- data -----------------------------------------------------------------------------------------
@dataclass(slots=True)
class Candidate:
    """What the engine knows of one agent (bulk-loaded)."""

    user_id: int
    name: str
    availability: str
    on_leave_until: datetime | None
    capacity: float
    load: float
    seniority: int = 0
    latitude: float | None = None
    longitude: float | None = None
    skills: dict[int, int] = field(default_factory=dict)  # skill id → level
    performance: tuple[float, float, float] | None = None  # resolution, avg seconds, reopen
    # Precomputed once per load (radians, cosine of the latitude) for the distance.
    geo: tuple[float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.latitude is not None and self.longitude is not None and self.geo is None:
            lat = math.radians(self.latitude)
            self.geo = (lat, math.radians(self.longitude), math.cos(lat))


@dataclass(slots=True)
class Context:
    """Everything ``rank`` needs about one ticket and its candidates."""

    ticket_id: int | None
    priority: str
    weights: dict[str, int]
    required: dict[int, int]  # skill id → minimum level
    skill_labels: dict[int, str]
    candidates: list[Candidate]
    now: datetime
    rule_id: int | None = None
    rule_label: str = ""
    cursor_key: str = ""
    last_user_id: int | None = None
    site: tuple[float, float] | None = None
    max_radius_km: float | None = None
    # Set by ``load_context``: the cached static screening and scores of the candidates, and
    # their current loads and availability (``Candidate.load`` and ``.availability`` are then
    # unused: they change too often to be cached).
    pool: Pool | None = None
    loads: dict[int, float] | None = None
    availability: dict[int, str] | None = None


@dataclass(slots=True)
class Pool:
    """The static part of one kind of decision (one team, rule, set of required skills, site,
    category), screened and scored once per data version and shared by the decisions after it.

    ``eligible``: (candidate, sum of levels in the required skills, location score, distance,
    performance score, seniority factor), by user id. ``blocked``: candidates passed over for a
    static reason (lacking a skill, no location, too far) with that explanation ready; at
    decision time an exclusion, a leave, being offline or away, or (before distance reasons)
    capacity take precedence, as in ``_screen``.
    """

    candidates: list[Candidate]
    eligible: list[tuple[Candidate, float, float, float | None, float, float]]
    blocked: list[tuple[Candidate, Passed, bool]]  # (…, the explanation, a distance reason?)
    denominator: float


@dataclass(slots=True)
class Scored:
    """An eligible candidate's score. ``points`` holds the six weighted strategy scores in
    ``STRATEGIES`` order; ``parts`` names those whose weight is not 0 (built when read)."""

    user_id: int
    name: str
    total: float
    points: tuple[float, ...]
    active: tuple[int, ...]  # indexes of the strategies weighed
    load: float
    capacity: float
    distance_km: float | None = None

    @property
    def parts(self) -> dict[str, float]:
        return {STRATEGIES[i]: self.points[i] for i in self.active}


@dataclass(slots=True)
class Passed:
    """A candidate passed over. ``info`` is formatted only when read (most candidates of a large
    team are passed over, and most explanations are never displayed)."""

    user_id: int
    name: str
    reason: str
    info: Any = ""  # text, (load, capacity) or a distance in km

    @property
    def detail(self) -> str:
        info = self.info
        if isinstance(info, tuple):
            return f"{info[0]:g}/{info[1]:g}"
        if isinstance(info, float):
            return f"{info:.1f} km"
        if isinstance(info, datetime):
            return info.isoformat()
        return str(info)


@dataclass(slots=True)
class Decision:
    """The chosen agent (None: nobody eligible), every eligible candidate's score, best first,
    and the candidates passed over with the reason."""

    agent_id: int | None
    rule_id: int | None
    rule_label: str
    weights: dict[str, int]
    scored: list[Scored]
    passed: list[Passed]
    cursor_key: str = ""

    @property
    def agent_name(self) -> str:
        return self.scored[0].name if self.scored else ""

    def as_data(self, *, limit: int = 10) -> dict[str, Any]:
        """A JSON summary for the timeline entry (the best ``limit`` and the first passed)."""
        return {
            "agent": self.agent_id,
            "agent_label": self.agent_name,
            "rule": self.rule_id,
            "rule_label": self.rule_label,
            "weights": dict(self.weights),
            "scores": [
                {
                    "user": s.user_id,
                    "name": s.name,
                    "total": round(s.total, 3),
                    "parts": {k: round(v, 3) for k, v in s.parts.items()},
                    "load": s.load,
                    "capacity": s.capacity,
                }
                for s in self.scored[:limit]
            ],
            "passed": [
                {"user": p.user_id, "name": p.name, "reason": p.reason, "detail": p.detail}
                for p in self.passed[: limit * 2]
            ],
            "passed_count": len(self.passed),
        }


# --- the pure part ------------------------------------------------------------------------------
def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


PRIORITY_FACTOR = {p: r / 4.0 for p, r in PRIORITY_RANK.items()}  # low 0.25 … urgent 1
STRATEGIES = (
    Strategy.SKILLS.value,
    Strategy.WORKLOAD.value,
    Strategy.PRIORITY.value,
    Strategy.LOCATION.value,
    Strategy.PERFORMANCE.value,
    Strategy.ROUND_ROBIN.value,
)


def performance_score(record: tuple[float, float, float] | None) -> float:
    if record is None:
        return 0.5
    rate, seconds, reopen = record
    return 0.5 * rate + 0.3 * (1.0 - reopen) + 0.2 / (1.0 + seconds / 86400.0)


def _screen(  # noqa: C901 - the hot loop, kept flat on purpose (speed)
    ctx: Context, exclude: frozenset[int]
) -> tuple[list[tuple[Candidate, float, float | None]], list[Passed]]:
    """Split the candidates into eligible ones (with location score and distance) and the
    passed over (with the reason). The hot loop: plain locals, no per-candidate allocation
    beyond the result tuples."""
    weight = LOAD_WEIGHTS.get(ctx.priority, 1.0)
    now = ctx.now
    required = list(ctx.required.items())
    labels = ctx.skill_labels
    site, radius = ctx.site, ctx.max_radius_km
    offline, away = Availability.OFFLINE.value, Availability.AWAY.value
    s_lat = math.radians(site[0]) if site else 0.0
    s_lng = math.radians(site[1]) if site else 0.0
    s_cos = math.cos(s_lat)
    sin, asin, sqrt = math.sin, math.asin, math.sqrt
    eligible: list[tuple[Candidate, float, float | None]] = []
    passed: list[Passed] = []
    for c in ctx.candidates:
        if c.user_id in exclude:
            passed.append(Passed(c.user_id, c.name, PassReason.EXCLUDED))
            continue
        if c.on_leave_until is not None and c.on_leave_until > now:
            passed.append(Passed(c.user_id, c.name, PassReason.ON_LEAVE, c.on_leave_until))
            continue
        if c.availability == offline or c.availability == away:
            reason = PassReason.OFFLINE if c.availability == offline else PassReason.AWAY
            passed.append(Passed(c.user_id, c.name, reason))
            continue
        if required:
            skills = c.skills
            lacking = None
            for skill, minimum in required:
                if skills.get(skill, 0) < minimum:
                    lacking = f"{labels.get(skill, skill)} {skills.get(skill, 0)}/{minimum}"
                    break
            if lacking is not None:
                passed.append(Passed(c.user_id, c.name, PassReason.LACKS_SKILL, lacking))
                continue
        if c.load + weight > c.capacity:
            passed.append(Passed(c.user_id, c.name, PassReason.AT_CAPACITY, (c.load, c.capacity)))
            continue
        location, dist = 0.0, None
        if site is not None:
            geo = c.geo
            if geo is None:
                if radius:
                    passed.append(Passed(c.user_id, c.name, PassReason.NO_LOCATION))
                    continue
            else:
                h = sin((geo[0] - s_lat) / 2) ** 2 + s_cos * geo[2] * sin((geo[1] - s_lng) / 2) ** 2
                dist = 12742.0 * asin(sqrt(h if h < 1.0 else 1.0))
                if radius and dist > radius:
                    passed.append(Passed(c.user_id, c.name, PassReason.TOO_FAR, dist))
                    continue
                location = 1.0 - dist / radius if radius else 1.0 / (1.0 + dist / 50.0)
        eligible.append((c, location, dist))
    return eligible, passed


def _round_robin(eligible: list[Candidate], last_user_id: int | None) -> dict[int, int]:
    """Each eligible agent's place in the queue after the cursor (0 = next)."""
    ids = sorted(c.user_id for c in eligible)
    if not ids:
        return {}
    start = 0
    if last_user_id is not None:
        start = next((i for i, uid in enumerate(ids) if uid > last_user_id), 0)
    n = len(ids)
    return {ids[(start + k) % n]: k for k in range(n)}


def rank(ctx: Context, *, exclude: frozenset[int] = frozenset()) -> Decision:
    """Score every candidate of ``ctx`` (pure; ``exclude`` = agents already tried)."""
    if ctx.pool is not None:
        return _rank_pool(ctx, ctx.pool, ctx.loads or {}, ctx.availability or {}, exclude)
    eligible, passed = _screen(ctx, exclude)
    order = _round_robin([c for c, _l, _d in eligible], ctx.last_user_id)
    n = max(1, len(order))
    w_sk, w_wl, w_pr, w_loc, w_pf, w_rr = weights = [ctx.weights.get(k, 0) for k in STRATEGIES]
    active = tuple(i for i, w in enumerate(weights) if w)
    required = list(ctx.required)
    denominator = 5.0 * len(required) if required else 0.0
    p = PRIORITY_FACTOR.get(ctx.priority, 0.5)  # type: ignore[call-overload]
    rows = []
    for c, location, dist in eligible:
        sk = wl = pr = pf = rr = 0.0
        if w_sk and required:
            skills = c.skills
            for skill in required:
                sk += skills.get(skill, 0)
            sk = w_sk * sk / denominator
        ratio = c.load / c.capacity if c.capacity else 1.0
        if w_wl and ratio < 1.0:
            wl = w_wl * (1.0 - ratio)
        if w_pr:
            pr = w_pr * (1.0 - abs(p - min(c.seniority, 10) / 10.0))
        lo = w_loc * location
        if w_pf:
            pf = w_pf * performance_score(c.performance)
        place = order[c.user_id]
        if w_rr:
            rr = w_rr * (1.0 - place / n)
        total = sk + wl + pr + lo + pf + rr
        rows.append((-total, ratio, place, c.user_id, c, (sk, wl, pr, lo, pf, rr), dist))
    rows.sort(key=_row_key)
    ranking = [
        Scored(c.user_id, c.name, -neg, points, active, c.load, c.capacity, dist)
        for neg, _r, _p, _u, c, points, dist in rows
    ]
    return Decision(
        agent_id=ranking[0].user_id if ranking else None,
        rule_id=ctx.rule_id,
        rule_label=ctx.rule_label,
        weights=dict(ctx.weights),
        scored=ranking,
        passed=passed,
        cursor_key=ctx.cursor_key,
    )


def _row_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return row[:4]  # best total, then lower load ratio, then round-robin place, then id


def _rank_pool(  # noqa: C901 - the hot loop, kept flat on purpose (speed)
    ctx: Context,
    pool: Pool,
    loads: dict[int, float],
    availability: dict[int, str],
    exclude: frozenset[int],
) -> Decision:
    """``rank`` over a cached pool: the same screening order, scores, ties and explanations as
    ``_screen`` + the scoring loop, but only exclusions, leave, availability and capacity are
    checked and only workload, priority and round robin are computed per decision."""
    weight = LOAD_WEIGHTS.get(ctx.priority, 1.0)
    now = ctx.now
    online = Availability.ONLINE.value
    offline = Availability.OFFLINE.value
    passed: list[Passed] = []
    for c, explanation, distance_reason in pool.blocked:
        uid = c.user_id
        status = availability.get(uid, offline)
        if uid in exclude:
            passed.append(Passed(uid, c.name, PassReason.EXCLUDED))
        elif c.on_leave_until is not None and c.on_leave_until > now:
            passed.append(Passed(uid, c.name, PassReason.ON_LEAVE, c.on_leave_until))
        elif status != online:
            reason = PassReason.OFFLINE if status == offline else PassReason.AWAY
            passed.append(Passed(uid, c.name, reason))
        elif distance_reason and loads.get(uid, 0.0) + weight > c.capacity:
            load = loads.get(uid, 0.0)
            passed.append(Passed(uid, c.name, PassReason.AT_CAPACITY, (load, c.capacity)))
        else:
            passed.append(explanation)
    ok = []
    get = loads.get
    for row in pool.eligible:
        c = row[0]
        uid = c.user_id
        if uid in exclude:
            passed.append(Passed(uid, c.name, PassReason.EXCLUDED))
            continue
        if c.on_leave_until is not None and c.on_leave_until > now:
            passed.append(Passed(uid, c.name, PassReason.ON_LEAVE, c.on_leave_until))
            continue
        status = availability.get(uid, offline)
        if status != online:
            reason = PassReason.OFFLINE if status == offline else PassReason.AWAY
            passed.append(Passed(uid, c.name, reason))
            continue
        load = get(uid, 0.0)
        if load + weight > c.capacity:
            passed.append(Passed(uid, c.name, PassReason.AT_CAPACITY, (load, c.capacity)))
            continue
        ok.append((row, load))
    n = len(ok)
    start = 0
    last = ctx.last_user_id
    if last is not None and n:
        start = bisect.bisect_right([row[0].user_id for row, _l in ok], last)
        if start == n:
            start = 0
    w_sk, w_wl, w_pr, w_loc, w_pf, w_rr = weights = [ctx.weights.get(k, 0) for k in STRATEGIES]
    active = tuple(i for i, w in enumerate(weights) if w)
    denominator = pool.denominator
    p = PRIORITY_FACTOR.get(ctx.priority, 0.5)  # type: ignore[call-overload]
    count = max(1, n)
    rows = []
    for i, ((c, level_sum, location, dist, perf, seniority), load) in enumerate(ok):
        sk = wl = pr = pf = rr = 0.0
        if w_sk and denominator:
            sk = w_sk * level_sum / denominator
        ratio = load / c.capacity if c.capacity else 1.0
        if w_wl and ratio < 1.0:
            wl = w_wl * (1.0 - ratio)
        if w_pr:
            pr = w_pr * (1.0 - abs(p - seniority))
        lo = w_loc * location
        if w_pf:
            pf = w_pf * perf
        place = (i - start) % n
        if w_rr:
            rr = w_rr * (1.0 - place / count)
        total = sk + wl + pr + lo + pf + rr
        rows.append((-total, ratio, place, c.user_id, c, (sk, wl, pr, lo, pf, rr), dist, load))
    rows.sort(key=_row_key)
    ranking = [
        Scored(c.user_id, c.name, -neg, points, active, load, c.capacity, dist)
        for neg, _r, _p, _u, c, points, dist, load in rows
    ]
    return Decision(
        agent_id=ranking[0].user_id if ranking else None,
        rule_id=ctx.rule_id,
        rule_label=ctx.rule_label,
        weights=dict(ctx.weights),
        scored=ranking,
        passed=passed,
        cursor_key=ctx.cursor_key,
    )


# --- rules and requirements (per-process cache) --------------------------------------------------
@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: int
    name: str
    team_id: int | None
    ticket_type_id: int | None
    category_id: int | None
    channel: str
    organization_id: int | None
    weights: dict[str, int]
    skills: dict[int, int]
    site: tuple[float, float] | None
    max_radius_km: float | None

    def matches(self, ticket: Ticket) -> bool:
        return (
            (self.team_id is None or self.team_id == ticket.team_id)
            and (self.ticket_type_id is None or self.ticket_type_id == ticket.ticket_type_id)
            and (self.category_id is None or self.category_id == ticket.category_id)
            and (not self.channel or self.channel == ticket.channel)
            and (self.organization_id is None or self.organization_id == ticket.organization_id)
        )


@dataclass(frozen=True, slots=True)
class Config:
    rules: list[RuleSpec]
    by_type: dict[int, dict[int, int]]
    by_category: dict[int, dict[int, int]]
    skill_labels: dict[int, str]


_lock = threading.Lock()
_config: tuple[float, int | None, Config] | None = None
_pools: tuple[float, int | None, dict[tuple[Any, ...], Pool]] | None = None
POOL_TTL = 60.0  # a safety net only: the data version already says when the data changed
POOL_MAX = 256


def current_version() -> int | None:
    """The data version (``DataVersion``): one indexed read, without the ORM (every decision
    makes it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM assignment_dataversion WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else None


def rule_weights(rule: AssignmentRule) -> dict[str, int]:
    return {
        Strategy.SKILLS: rule.weight_skills,
        Strategy.WORKLOAD: rule.weight_workload,
        Strategy.PRIORITY: rule.weight_priority,
        Strategy.LOCATION: rule.weight_location,
        Strategy.PERFORMANCE: rule.weight_performance,
        Strategy.ROUND_ROBIN: rule.weight_round_robin,
    }


def _spec(rule: AssignmentRule) -> RuleSpec:
    site = None
    if rule.latitude is not None and rule.longitude is not None:
        site = (float(rule.latitude), float(rule.longitude))
    return RuleSpec(
        id=rule.pk,
        name=rule.name,
        team_id=rule.team_id,
        ticket_type_id=rule.ticket_type_id,
        category_id=rule.category_id,
        channel=rule.channel,
        organization_id=rule.organization_id,
        weights=rule_weights(rule),
        skills={rs.skill_id: rs.min_level for rs in rule.skills.all()},
        site=site,
        max_radius_km=float(rule.max_radius_km) if rule.max_radius_km else None,
    )


def config(version: Any = UNKNOWN) -> Config:
    """Active rules, skill requirements and skill names, cached per process: rebuilt when
    ``version`` (the data version the caller read) differs from the one it was built at; without
    a version, kept for ``CACHE_TTL`` seconds (saves in this process drop it at once)."""
    global _config
    state = _config
    now = time.monotonic()
    if state is not None:
        if version is UNKNOWN and now < state[0]:
            return state[2]
        fresh = version is not None and version == state[1] and now < state[0] + POOL_TTL
        if version is not UNKNOWN and fresh:
            return state[2]
    with _lock:
        if version is UNKNOWN:
            version = current_version()
        rules = [
            _spec(r)
            for r in AssignmentRule.objects.filter(is_active=True)
            .prefetch_related("skills")
            .order_by("position", "id")
        ]
        by_type: dict[int, dict[int, int]] = {}
        by_category: dict[int, dict[int, int]] = {}
        for req in SkillRequirement.objects.all():
            target = (
                by_type.setdefault(req.ticket_type_id, {})
                if req.ticket_type_id
                else by_category.setdefault(req.category_id or 0, {})
            )
            target[req.skill_id] = max(target.get(req.skill_id, 0), req.min_level)
        labels = {pk: name for pk, name in Skill.objects.values_list("pk", "name")}
        cfg = Config(rules, by_type, by_category, labels)
        _config = (time.monotonic() + CACHE_TTL, version, cfg)
        return cfg


def invalidate(**_kwargs: Any) -> None:
    """Drop this process's caches (other processes see the new data version)."""
    global _config, _pools
    _config = None
    _pools = None


# Saves in this process drop the caches at once (imported by AssignmentConfig.ready()). The
# caches themselves are keyed by the data version (triggers.py), which the shared
# core.cache.ProcessCache does not model: a new version from any process rebuilds them.
invalidate_on(invalidate, AssignmentRule, RuleSkill, SkillRequirement, Skill, uid="asg")


def required_skills(
    ticket: Ticket, rule: RuleSpec | None = None, cfg: Config | None = None
) -> dict[int, int]:
    """Skill id → minimum level for ``ticket``: its type's, its category's and the rule's."""
    cfg = cfg or config()
    required: dict[int, int] = {}
    sources = [cfg.by_type.get(ticket.ticket_type_id, {})]
    if ticket.category_id:
        sources.append(cfg.by_category.get(ticket.category_id, {}))
    if rule is not None:
        sources.append(rule.skills)
    for source in sources:
        for skill, level in source.items():
            required[skill] = max(required.get(skill, 0), level)
    return required


def rule_for(ticket: Ticket, cfg: Config | None = None) -> RuleSpec | None:
    return next((r for r in (cfg or config()).rules if r.matches(ticket)), None)


def cursor_key(ticket: Ticket, cfg: Config | None = None) -> tuple[str, bool]:
    """The round-robin cursor of the rule that applies to ``ticket`` (``rule:<id>``, or
    ``team:<id>`` for the team's default weights) and whether round robin weighs at all."""
    rule = rule_for(ticket, cfg)
    if rule is None:
        return f"team:{ticket.team_id}", bool(DEFAULT_WEIGHTS[Strategy.ROUND_ROBIN])
    return f"rule:{rule.id}", bool(rule.weights.get(Strategy.ROUND_ROBIN))


# --- loading -------------------------------------------------------------------------------------
def loads_of(user_ids: Any) -> dict[int, float]:
    """Weighted open load per assignee, in one aggregate query (``user_ids``: ids or a query)."""
    rows = (
        Ticket.objects.filter(is_open=True, assignee_id__in=user_ids)
        .values("assignee_id")
        .annotate(load=Sum(load_expression()))
        .values_list("assignee_id", "load")
    )
    return {uid: float(load or 0) for uid, load in rows}


def _candidates(team_id: int, now: datetime) -> list[Candidate]:
    fresh = now - LOCATION_FRESH
    rows = (
        AgentProfile.objects.filter(
            user__teams=team_id, user__is_active=True, user__role__in=ASSIGNABLE_ROLES
        )
        # Floats, not Decimals: converting a thousand Decimals costs more than the query.
        .annotate(
            lat=Cast("latitude", FloatField()),
            lng=Cast("longitude", FloatField()),
            clat=Cast("current_latitude", FloatField()),
            clng=Cast("current_longitude", FloatField()),
        )
        .values_list(
            "user_id",
            "user__display_name",
            "user__username",
            "availability",
            "on_leave_until",
            "capacity",
            "seniority",
            "lat",
            "lng",
            "clat",
            "clng",
            "located_at",
        )
    )
    out = []
    for uid, display, username, avail, leave, cap, senior, lat, lng, clat, clng, at in rows:
        if clat is not None and clng is not None and at is not None and at >= fresh:
            lat, lng = clat, clng
        out.append(
            Candidate(
                user_id=uid,
                name=display or username,
                availability=avail,
                on_leave_until=leave,
                capacity=float(cap),
                load=0.0,
                seniority=senior,
                latitude=lat,
                longitude=lng,
            )
        )
    return out


def _fill(
    candidates: list[Candidate],
    team_id: int,
    required: dict[int, int],
    category_id: int | None,
    with_performance: bool,
    *,
    loads: bool = True,
) -> None:
    by_user = {c.user_id: c for c in candidates}
    team_users = Q(user__teams=team_id)
    if required:
        for uid, skill, level in AgentSkill.objects.filter(
            Q(profile__user__teams=team_id), skill_id__in=list(required)
        ).values_list("profile__user_id", "skill_id", "level"):
            if uid in by_user:
                by_user[uid].skills[skill] = level
    if loads:
        members = Membership.objects.filter(team_id=team_id).values("user_id")
        for uid, load in loads_of(members).items():
            if uid in by_user:
                by_user[uid].load = load
    if with_performance:
        rows = AgentPerformance.objects.filter(team_users).filter(
            Q(category__isnull=True) | Q(category_id=category_id)
        )
        for uid, cat, rate, seconds, reopen in rows.values_list(
            "user_id", "category_id", "resolution_rate", "avg_resolution_seconds", "reopen_rate"
        ):
            if uid in by_user and (cat is not None or by_user[uid].performance is None):
                by_user[uid].performance = (rate, float(seconds), reopen)


def team_state(team_id: int) -> tuple[Any, dict[int, float], dict[int, str]]:
    """What changes too often to cache, in one query without the ORM (every decision makes it,
    and on a busy machine each round trip to the database may wait for a time slice): the data
    version, each team member's open load (``AgentLoad``, kept by triggers) and availability.
    The version is ``UNKNOWN`` for a team without members."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.user_id, l.open_load, p.availability, v.value "
            "FROM accounts_membership m "
            "JOIN accounts_agentprofile p ON p.user_id = m.user_id "
            "LEFT JOIN assignment_agentload l ON l.user_id = m.user_id "
            "LEFT JOIN assignment_dataversion v ON v.id = 1 "
            "WHERE m.team_id = %s",
            [team_id],
        )
        rows = cursor.fetchall()
    version = (int(rows[0][3]) if rows[0][3] is not None else None) if rows else UNKNOWN
    loads = {uid: load for uid, load, _a, _v in rows if load}
    return version, loads, {uid: a for uid, _l, a, _v in rows}


def team_loads(team_id: int) -> dict[int, float]:
    """The open load of every member of a team with one."""
    return team_state(team_id)[1]


def _build_pool(
    team_id: int,
    required: dict[int, int],
    labels: dict[int, str],
    category_id: int | None,
    with_performance: bool,
    site: tuple[float, float] | None,
    radius: float | None,
    now: datetime,
) -> Pool:
    """Load a team's candidates (three or four queries) and screen and score what does not
    change between decisions: leave dates, skills, distance, performance, seniority."""
    candidates = _candidates(team_id, now)
    _fill(candidates, team_id, required, category_id, with_performance, loads=False)
    # ``_screen`` with everybody online, nobody excluded, on leave or at capacity gives the
    # static verdicts.
    probe = Context(
        ticket_id=None,
        priority=Priority.LOW,
        weights={},
        required=required,
        skill_labels=labels,
        candidates=[_unbounded(c) for c in candidates],
        now=now,
        site=site,
        max_radius_km=radius,
    )
    fine, passed = _screen(probe, frozenset())
    by_id = {c.user_id: c for c in candidates}
    wanted = list(required)
    eligible = []
    for twin, location, dist in fine:
        c = by_id[twin.user_id]
        level_sum = float(sum(c.skills.get(skill, 0) for skill in wanted)) if wanted else 0.0
        eligible.append(
            (
                c,
                level_sum,
                location,
                dist,
                performance_score(c.performance),
                min(c.seniority, 10) / 10.0,
            )
        )
    eligible.sort(key=lambda row: row[0].user_id)
    distance_reasons = {PassReason.NO_LOCATION, PassReason.TOO_FAR}
    blocked = [(by_id[p.user_id], p, p.reason in distance_reasons) for p in passed]
    return Pool(
        candidates=candidates,
        eligible=eligible,
        blocked=blocked,
        denominator=5.0 * len(wanted) if wanted else 0.0,
    )


def _unbounded(c: Candidate) -> Candidate:
    """A copy of ``c`` online, without leave and with room for anything (for the static
    screening)."""
    return Candidate(
        user_id=c.user_id,
        name=c.name,
        availability=Availability.ONLINE,
        on_leave_until=None,
        capacity=math.inf,
        load=0.0,
        skills=c.skills,
        geo=c.geo,
    )


def pool_for(
    version: int | None,
    team_id: int,
    required: dict[int, int],
    labels: dict[int, str],
    category_id: int | None,
    with_performance: bool,
    site: tuple[float, float] | None,
    radius: float | None,
    now: datetime,
) -> Pool:
    """The cached pool for these inputs at ``version`` (built on a miss)."""
    global _pools
    key = (
        team_id,
        tuple(sorted(required.items())),
        category_id if with_performance else None,
        with_performance,
        site,
        radius,
    )
    state = _pools
    clock = time.monotonic()
    if version is None:  # no version row (a database just flushed): nothing to key a cache by
        state = (clock, None, {})
    elif state is None or state[1] != version or clock >= state[0] or len(state[2]) > POOL_MAX:
        state = (clock + POOL_TTL, version, {})
        _pools = state
    pool = state[2].get(key)
    if pool is None:
        pool = _build_pool(
            team_id, required, labels, category_id, with_performance, site, radius, now
        )
        state[2][key] = pool
    return pool


def load_context(
    ticket: Ticket,
    *,
    now: datetime | None = None,
    site: tuple[float, float] | None = None,
) -> Context:
    """The candidates for ``ticket`` (its team's staff) and the rule that applies.

    One query when nothing changed since the last decision in this process (``team_state``: the
    data version, the team's loads and availability); the rest (rules, candidates, their skills,
    locations and performance, screened and scored) comes from the per-process cache of that
    version.
    ``site`` overrides the rule's service area (a dry run for a given place).
    """
    now = now or timezone.now()
    version: Any = UNKNOWN
    loads: dict[int, float] = {}
    availability: dict[int, str] = {}
    if ticket.team_id is not None:
        version, loads, availability = team_state(ticket.team_id)
    if version is UNKNOWN:
        version = current_version()
    cfg = config(version)
    rule = rule_for(ticket, cfg)
    weights = dict(rule.weights) if rule else dict(DEFAULT_WEIGHTS)
    required = required_skills(ticket, rule, cfg)
    site = site or (rule.site if rule else None)
    radius = rule.max_radius_km if rule else None
    candidates: list[Candidate] = []
    pool = None
    if ticket.team_id is not None:
        pool = pool_for(
            version,
            ticket.team_id,
            required,
            cfg.skill_labels,
            ticket.category_id,
            bool(weights.get(Strategy.PERFORMANCE)),
            site,
            radius,
            now,
        )
        candidates = pool.candidates
    return Context(
        ticket_id=ticket.pk,
        priority=ticket.priority,
        weights=weights,
        required=required,
        skill_labels=cfg.skill_labels,
        candidates=candidates,
        now=now,
        rule_id=rule.id if rule else None,
        rule_label=rule.name if rule else "",
        cursor_key=cursor_key(ticket, cfg)[0],
        site=site,
        max_radius_km=radius,
        pool=pool,
        loads=loads,
        availability=availability,
    )


def decide(ticket: Ticket, *, site: tuple[float, float] | None = None) -> Decision:
    """Who would get ``ticket`` now, and why (reads the round-robin cursor without a lock)."""

    ctx = load_context(ticket, site=site)
    if ctx.weights.get(Strategy.ROUND_ROBIN):
        ctx.last_user_id = (
            RoundRobinCursor.objects.filter(key=ctx.cursor_key)
            .values_list("last_user_id", flat=True)
            .first()
        )
    return rank(ctx)
