"""SLA clocks on tickets: started, paused, resumed, met and re-targeted by the ticket services.

The ticket services call one function per lifecycle point, inside their own transaction:

* ``plan_new`` / ``start_new`` when a ticket is created (due times are set on the row before it
  is inserted; the clocks are inserted in one query after);
* ``on_reply`` for a public reply (staff: first and next response met; customer: next response
  re-armed, and the ticket leaves "pending", which ``on_status`` handles);
* ``on_status`` for every status change (pause in the policy's pause statuses, resume, resolve,
  reopen, close, cancel);
* ``retarget`` when priority, type or category change (the policy is chosen again; time already
  used is kept).

Each clock keeps the time it used before ``running_since``; remaining time is counted on the
policy's business calendar (or around the clock), so a pause removes exactly the pending time and
a reopen continues where resolution stopped. The ticket's ``*_due_at`` columns mirror the
running clocks (indexed: queues sort and sweeps select by them). Warnings, breaches and
escalations are fired by ``sla.sweep``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from gongdan.core.cache import ProcessCache
from gongdan.core.orm import prime_prefetch
from gongdan.jobs.tasks import job
from gongdan.sla.choices import SlaTarget
from gongdan.sla.clock import CalendarSpec, add_business_duration, business_seconds_between
from gongdan.sla.models import (
    BusinessCalendar,
    EscalationLevel,
    SlaClock,
    SlaPolicy,
    SpecialDay,
    WorkingHours,
)
from gongdan.sla.selectors import calendar_spec
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket

CREATE_TARGETS = (SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION)
DUE_FIELDS = {
    SlaTarget.FIRST_RESPONSE: "first_response_due_at",
    SlaTarget.NEXT_RESPONSE: "next_response_due_at",
    SlaTarget.RESOLUTION: "resolution_due_at",
}
TICKET_DUE_FIELDS = [*DUE_FIELDS.values(), "sla_due_at"]
DEFAULT_PAUSE = (Status.PENDING,)
STOPPED = {Status.CLOSED, Status.CANCELLED}

# --- policies (cached per process, like ticket types) -----------------------------------------

POLICY_TTL = 5.0


@dataclass(frozen=True)
class _Rule:
    policy: SlaPolicy
    organizations: frozenset[int]
    ticket_types: frozenset[int]
    categories: frozenset[int]

    def matches(self, ticket: Ticket, tier: str) -> bool:
        p = self.policy
        return (
            (not self.organizations or ticket.organization_id in self.organizations)
            and (not p.tiers or tier in p.tiers)
            and (not self.ticket_types or ticket.ticket_type_id in self.ticket_types)
            and (not self.categories or ticket.category_id in self.categories)
            and (not p.priorities or ticket.priority in p.priorities)
            and (not p.channels or ticket.channel in p.channels)
        )


def _policies() -> list[_Rule]:
    policies = (
        SlaPolicy.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related(
            "organizations",
            "ticket_types",
            "categories",
            Prefetch(
                "levels",
                queryset=EscalationLevel.objects.select_related("move_to_team")
                .prefetch_related("add_watchers")
                .order_by("after_minutes"),
            ),
        )
        .order_by("position", "id")
    )
    rules = [
        _Rule(
            policy=p,
            organizations=frozenset(o.pk for o in p.organizations.all()),
            ticket_types=frozenset(t.pk for t in p.ticket_types.all()),
            categories=frozenset(c.pk for c in p.categories.all()),
        )
        for p in policies
    ]
    return rules


_rules = ProcessCache(_policies, ttl=POLICY_TTL)
# Imported by SlaConfig.ready(): saves of policies, levels and calendars drop the cache at once.
_rules.invalidate_on(
    SlaPolicy,
    EscalationLevel,
    BusinessCalendar,
    WorkingHours,
    SpecialDay,
    m2m=(
        SlaPolicy.organizations.through,
        SlaPolicy.ticket_types.through,
        SlaPolicy.categories.through,
        EscalationLevel.add_watchers.through,
    ),
    uid="sla",
)


def _load_rules() -> list[_Rule]:
    return _rules.get()


def invalidate(**_kwargs: Any) -> None:
    """Drop the cached policies (on saves of policies, levels and calendars; tests)."""
    _rules.invalidate()


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy whose conditions all match the ticket."""
    tier = ticket.organization.tier if ticket.organization_id and ticket.organization else ""
    for rule in _load_rules():
        if rule.matches(ticket, tier):
            return rule.policy
    return None


def policy_get(pk: int | None) -> SlaPolicy | None:
    """An active policy from the cache (with its calendar and levels), or None."""
    return next((r.policy for r in _load_rules() if r.policy.pk == pk), None)


# --- time on a policy's clock ------------------------------------------------------------------


def _spec(policy: SlaPolicy | None, business: bool) -> CalendarSpec | None:
    if policy is None or not business or policy.calendar is None:
        return None
    return calendar_spec(policy.calendar)


def add_time(spec: CalendarSpec | None, start: datetime, seconds: float) -> datetime:
    """``start`` plus ``seconds`` of the clock's time (business time on ``spec``)."""
    if spec is None:
        return start + timedelta(seconds=seconds)
    return add_business_duration(spec, start, timedelta(seconds=max(0.0, seconds)))


def used_between(spec: CalendarSpec | None, start: datetime, end: datetime) -> float:
    if end <= start:
        return 0.0
    if spec is None:
        return (end - start).total_seconds()
    return business_seconds_between(spec, start, end)


def _clock_spec(clock: SlaClock) -> CalendarSpec | None:
    if not clock.business_time:  # around the clock: no calendar to look up
        return None
    policy = policy_get(clock.policy_id) or clock.policy
    return _spec(policy, clock.business_time)


# --- one clock ----------------------------------------------------------------------------------


def _target_seconds(clock: SlaClock) -> float:
    return clock.target_minutes * 60.0


def _warn_percents(clock: SlaClock) -> list[int]:
    policy = policy_get(clock.policy_id) or clock.policy
    raw = policy.warn_percents if policy is not None else []
    return sorted({int(p) for p in raw if 0 < int(p) < 100})


def _next_warning(clock: SlaClock, spec: CalendarSpec | None) -> datetime | None:
    """When the next warning threshold is reached, if the clock runs and one is left."""
    if clock.running_since is None:
        return None
    for percent in _warn_percents(clock):
        if percent > clock.warned_percent:
            at = percent / 100 * _target_seconds(clock) - clock.elapsed_seconds
            return add_time(spec, clock.running_since, max(0.0, at))
    return None


def _next_reminder(clock: SlaClock, spec: CalendarSpec | None) -> datetime | None:
    """When to remind the assignee: the policy's lead time before the due time, once a run."""
    if clock.running_since is None or clock.reminded or clock.breached_at is not None:
        return None
    policy = policy_get(clock.policy_id) or clock.policy
    before = policy.remind_before_minutes if policy is not None else None
    if not before or before * 60.0 >= _target_seconds(clock):
        return None  # no reminder, or one that would fire as the clock starts
    at = _target_seconds(clock) - before * 60.0 - clock.elapsed_seconds
    return add_time(spec, clock.running_since, max(0.0, at))


def levels_of(clock: SlaClock) -> list[EscalationLevel]:
    policy = policy_get(clock.policy_id)
    if policy is None:
        return []
    return list(policy.levels.all())  # prefetched, ordered by after_minutes


def next_escalation(clock: SlaClock, spec: CalendarSpec | None) -> datetime | None:
    """When the next escalation level fires, counted from the due time (breached clocks)."""
    if clock.breached_at is None or clock.due_at is None or clock.running_since is None:
        return None
    levels = levels_of(clock)
    if clock.escalation_level >= len(levels):
        return None
    return add_time(spec, clock.due_at, levels[clock.escalation_level].after_minutes * 60.0)


def _run(clock: SlaClock, now: datetime, spec: CalendarSpec | None) -> None:
    """Start (or resume) counting at ``now``."""
    clock.running_since = now
    remaining = _target_seconds(clock) - clock.elapsed_seconds
    clock.due_at = add_time(spec, now, max(0.0, remaining))
    clock.warn_at = _next_warning(clock, spec) if clock.breached_at is None else None
    clock.remind_at = _next_reminder(clock, spec)
    clock.escalate_at = next_escalation(clock, spec)


def _halt(clock: SlaClock, now: datetime, spec: CalendarSpec | None) -> None:
    """Stop counting at ``now``, keeping the time used."""
    if clock.running_since is not None:
        clock.elapsed_seconds += used_between(spec, clock.running_since, now)
    clock.running_since = None
    clock.due_at = None
    clock.warn_at = None
    clock.remind_at = None
    clock.escalate_at = None


# What ``_halt`` changes.
HALT_FIELDS = ["running_since", "elapsed_seconds", "due_at", "warn_at", "remind_at", "escalate_at"]
CLOCK_FIELDS = [
    "running_since",
    "elapsed_seconds",
    "due_at",
    "warn_at",
    "warned_percent",
    "remind_at",
    "reminded",
    "escalate_at",
    "escalation_level",
    "met_at",
    "breached_at",
    "target_minutes",
    "business_time",
    "policy",
    "started_at",
]


def _save(clocks: Iterable[SlaClock]) -> None:
    rows = list(clocks)
    if rows:
        SlaClock.objects.bulk_update(rows, CLOCK_FIELDS)


def mirror(ticket: Ticket, clocks: Iterable[SlaClock], *, save: bool = True) -> None:
    """Copy the running clocks' due times onto the ticket (and save just those columns)."""
    dues: dict[str, datetime | None] = dict.fromkeys(DUE_FIELDS.values())
    for clock in clocks:
        field = DUE_FIELDS.get(SlaTarget(clock.target))
        if field and clock.running_since is not None and clock.met_at is None:
            dues[field] = clock.due_at
    running = [d for d in dues.values() if d is not None]
    dues["sla_due_at"] = min(running) if running else None
    for field, value in dues.items():
        setattr(ticket, field, value)
    if save and ticket.pk:
        Ticket.objects.filter(pk=ticket.pk).update(**dues)


def _clocks(ticket: Ticket) -> list[SlaClock]:
    """The ticket's clocks, read for a change: a list primed by :func:`start_new` on this ticket
    instance is dropped, so that what the response shows is read again after the change."""
    getattr(ticket, "_prefetched_objects_cache", {}).pop("sla_clocks", None)
    return list(SlaClock.objects.filter(ticket=ticket).select_related("policy__calendar"))


# --- lifecycle points called by the ticket services ---------------------------------------------


def plan_new(ticket: Ticket, now: datetime) -> list[SlaClock]:
    """The clocks of a ticket about to be inserted; sets its due columns (no query if cached)."""
    policy = policy_for(ticket)
    if policy is None:
        return []
    spec = _spec(policy, policy.counts_business_time)
    clocks = []
    for target in CREATE_TARGETS:
        minutes = policy.minutes_for(target)
        if minutes is None:
            continue
        clock = SlaClock(
            policy=policy,
            target=target,
            target_minutes=minutes,
            business_time=policy.counts_business_time,
            started_at=now,
        )
        _run(clock, now, spec)
        clocks.append(clock)
    mirror(ticket, clocks, save=False)
    return clocks


def start_new(ticket: Ticket, clocks: list[SlaClock]) -> None:
    """Insert the planned clocks of a ticket that now has a primary key (one query, none
    without clocks)."""
    for clock in clocks:
        clock.ticket = ticket
    if clocks:
        SlaClock.objects.bulk_create(clocks)
    # The response shows them (``TicketOut.sla``): no query to read back what was just written,
    # with their times in UTC as a read would give them.
    for clock in clocks:
        for name in _CLOCK_TIMES:
            value = getattr(clock, name)
            if value is not None:
                setattr(clock, name, value.astimezone(UTC))
    prime_prefetch(ticket, "sla_clocks", clocks)


_CLOCK_TIMES = [
    f.attname for f in SlaClock._meta.concrete_fields if isinstance(f, models.DateTimeField)
]


def on_reply(ticket: Ticket, *, by_staff: bool, now: datetime) -> None:
    """A public reply: staff meet the response targets; a customer re-arms next response.

    A closed or cancelled ticket's clocks stay stopped: a reply written on it (the customer's
    cancel reason is one, written just after the move) owes no response and re-arms nothing.
    """
    if ticket.status in STOPPED:
        return
    clocks = _clocks(ticket)
    if by_staff:
        _save(_meet_responses(clocks, now))
    else:
        _rearm_next_response(ticket, clocks, now)
    mirror(ticket, clocks)


def _meet_responses(clocks: list[SlaClock], now: datetime) -> list[SlaClock]:
    met = []
    for clock in clocks:
        owed = clock.target in (SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE)
        if owed and clock.met_at is None and clock.running_since is not None:
            _halt(clock, now, _clock_spec(clock))
            clock.met_at = now
            met.append(clock)
    return met


def _rearm_next_response(ticket: Ticket, clocks: list[SlaClock], now: datetime) -> None:
    policy = policy_for(ticket)
    minutes = policy.minutes_for(SlaTarget.NEXT_RESPONSE) if policy else None
    if policy is None or minutes is None:
        return
    clock = next((c for c in clocks if c.target == SlaTarget.NEXT_RESPONSE), None)
    fresh = clock is None
    if clock is None:
        clock = SlaClock(ticket=ticket, target=SlaTarget.NEXT_RESPONSE)
        clocks.append(clock)
    clock.policy = policy
    clock.target_minutes = minutes
    clock.business_time = policy.counts_business_time
    clock.started_at = now
    clock.elapsed_seconds = 0
    clock.met_at = clock.breached_at = clock.escalate_at = None
    clock.warned_percent = clock.escalation_level = 0
    clock.reminded = False
    if ticket.status in _pause_statuses(policy):
        clock.running_since = clock.due_at = clock.warn_at = clock.remind_at = None
    else:
        _run(clock, now, _spec(policy, clock.business_time))
    if fresh:
        clock.save()
    else:
        _save([clock])


def _pause_statuses(policy: SlaPolicy | None) -> tuple[str, ...]:
    if policy is None:
        return DEFAULT_PAUSE
    return tuple(policy.pause_statuses or DEFAULT_PAUSE)


def on_status(ticket: Ticket, *, old: str, new: str, now: datetime) -> None:
    """Pause, resume, meet or stop the clocks for a status change."""
    clocks = _clocks(ticket)
    if not clocks:
        return
    for clock in clocks:
        policy = policy_get(clock.policy_id) or clock.policy
        spec = _spec(policy, clock.business_time)
        pauses = _pause_statuses(policy)
        if new in STOPPED:
            _halt(clock, now, spec)
        elif new == Status.RESOLVED:
            # Resolution meets the resolution target, and any response still owed.
            if clock.met_at is None:
                _halt(clock, now, spec)
                clock.met_at = now
        elif new == Status.REOPENED and clock.target == SlaTarget.RESOLUTION:
            clock.met_at = None
            _run(clock, now, spec)  # continues with the time it had used
        elif new in pauses and old not in pauses:
            _halt(clock, now, spec)
        elif old in pauses and new not in pauses and clock.met_at is None:
            _run(clock, now, spec)
    _save(clocks)
    mirror(ticket, clocks)


def retarget(ticket: Ticket, *, now: datetime) -> None:
    """Priority, type or category changed: choose the policy again and re-aim every clock.

    Time already used is kept; a target the new policy lacks is dropped, one it adds starts at
    the ticket's creation (counting from then, as if it had always applied).
    """
    policy = policy_for(ticket)
    keep = _reaim(_clocks(ticket), policy, now)
    if policy is not None and ticket.status not in STOPPED | {Status.RESOLVED}:
        keep += _add_missing(ticket, policy, {c.target for c in keep}, now)
    mirror(ticket, keep)


def _reaim(clocks: list[SlaClock], policy: SlaPolicy | None, now: datetime) -> list[SlaClock]:
    keep, drop = [], []
    for clock in clocks:
        minutes = policy.minutes_for(clock.target) if policy else None
        if policy is None or minutes is None:
            drop.append(clock.pk)
            continue
        running = clock.running_since is not None
        if running:
            _halt(clock, now, _clock_spec(clock))
        clock.policy = policy
        clock.target_minutes = minutes
        clock.business_time = policy.counts_business_time
        if running and clock.met_at is None:
            _run(clock, now, _spec(policy, clock.business_time))
        keep.append(clock)
    if drop:
        SlaClock.objects.filter(pk__in=drop).delete()
    _save(keep)
    return keep


def _add_missing(
    ticket: Ticket, policy: SlaPolicy, have: set[str], now: datetime
) -> list[SlaClock]:
    added = []
    spec = _spec(policy, policy.counts_business_time)
    for target in CREATE_TARGETS:
        minutes = policy.minutes_for(target)
        if minutes is None or target in have:
            continue
        if target == SlaTarget.FIRST_RESPONSE and ticket.first_response_at is not None:
            continue
        clock = SlaClock(
            ticket=ticket,
            policy=policy,
            target=target,
            target_minutes=minutes,
            business_time=policy.counts_business_time,
            started_at=ticket.created_at,
            elapsed_seconds=used_between(spec, ticket.created_at, now),
        )
        if ticket.status not in _pause_statuses(policy):
            _run(clock, now, spec)
        clock.save()
        added.append(clock)
    return added


def recompute_for_calendar(calendar_id: int, *, now: datetime, batch: int = 500) -> int:
    """A calendar changed: re-aim the running clocks that count on it (in batches)."""
    invalidate()
    done = 0
    last = 0
    while True:
        clocks = list(
            SlaClock.objects.filter(
                policy__calendar_id=calendar_id,
                business_time=True,
                running_since__isnull=False,
                pk__gt=last,
            )
            .select_related("policy__calendar", "ticket")
            .order_by("pk")[:batch]
        )
        if not clocks:
            return done
        for clock in clocks:
            spec = _clock_spec(clock)
            # The time used so far is measured on the new calendar, then the rest is added.
            _halt(clock, now, spec)
            _run(clock, now, spec)
        _save(clocks)
        for clock in clocks:
            mirror(clock.ticket, _clocks(clock.ticket))
        done += len(clocks)
        last = clocks[-1].pk


@job()
def recompute_calendar(calendar_id: int) -> int:
    """A calendar was edited: re-aim the running clocks that count on it (background job).

    Here rather than in ``tasks.py`` because the calendar services enqueue it, and ``tasks.py``
    sits above them (its December check re-seeds calendars through the services).
    """
    return recompute_for_calendar(calendar_id, now=timezone.now())


def stop_stale(clocks: list[SlaClock], now: datetime) -> None:
    """Stop clocks that still run on a closed or cancelled ticket (saved by the caller).

    Such a clock is stale (written before the engine kept finished tickets' clocks stopped, or
    by a path that closed the ticket without ``on_status``): it stops where it is, with nothing
    fired, and its ticket's due columns are cleared. Reads ``clock.ticket.closed_at``.
    """
    for clock in clocks:
        # Time used counts up to the ticket's close (or cancel), never after it.
        stopped_at = min(now, clock.ticket.closed_at or now)
        _halt(clock, stopped_at, _clock_spec(clock))
    Ticket.objects.filter(pk__in={c.ticket_id for c in clocks}).update(
        **dict.fromkeys(TICKET_DUE_FIELDS)
    )


def attach_policies(clocks: list[SlaClock]) -> None:
    """Give running clocks read without their policy (a page's prefetch) the policy their time
    is counted on: from the cache of active policies (no query), or, for a policy no longer
    active, in one query (with its calendar) for all of ``clocks``."""
    missing: dict[int, list[SlaClock]] = {}
    for clock in clocks:
        if clock.running_since is None or clock.policy_id is None or not clock.business_time:
            continue  # no time left to count, or counted around the clock: no calendar needed
        policy = policy_get(clock.policy_id)
        if policy is None:
            missing.setdefault(clock.policy_id, []).append(clock)
        else:
            clock.policy = policy
    if missing:
        for policy in SlaPolicy.objects.select_related("calendar").filter(pk__in=missing):
            for clock in missing[policy.pk]:
                clock.policy = policy


def remaining_seconds(clock: SlaClock, now: datetime) -> float | None:
    """Target time left (negative when overdue) on the clock's own time; None when stopped."""
    if clock.running_since is None:
        return None
    spec = _clock_spec(clock)
    used = clock.elapsed_seconds + used_between(spec, clock.running_since, now)
    return _target_seconds(clock) - used
