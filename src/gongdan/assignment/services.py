"""Smart assignment's writes: automatic assignment, the waiting queue, take-next, availability.

Locks are always taken in the order ticket → round-robin cursor → agent profile, so concurrent
creations, retries and redistributions cannot deadlock one another.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Availability
from gongdan.accounts.models import AgentProfile, AgentSkill, Membership, Team, User
from gongdan.assignment import engine, policies
from gongdan.assignment.choices import OnUnavailable
from gongdan.assignment.engine import Decision
from gongdan.assignment.models import PendingAssignment, RoundRobinCursor, TeamAssignment
from gongdan.audit.services import audit_record
from gongdan.core.cache import ProcessCache
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.core.events import emit, enqueue_on_commit
from gongdan.jobs.tasks import job
from gongdan.tickets import timeline
from gongdan.tickets.models import Ticket
from gongdan.tickets.services._common import lock_ticket, require_staff, require_visible
from gongdan.tickets.services.tickets import assign_locked

MAX_TRIES = 5  # agents tried in one assignment when the first ones filled up meanwhile
UNSET: Any = object()


# --- team settings (per-process cache) -----------------------------------------------------------
def _load_teams() -> dict[int, tuple[bool, str]]:
    rows = TeamAssignment.objects.values_list("team_id", "auto_assign", "on_unavailable")
    return {t: (a, o) for t, a, o in rows}


_teams = ProcessCache(_load_teams, ttl=engine.CACHE_TTL)
_teams.invalidate_on(TeamAssignment, uid="asg-team")


def team_settings(team_id: int | None) -> tuple[bool, str]:
    """(auto-assign on?, on-unavailable policy) of a team; teams without settings: off, keep."""
    if team_id is None:
        return False, OnUnavailable.KEEP
    return _teams.get().get(team_id, (False, OnUnavailable.KEEP))


def invalidate(**_kwargs: Any) -> None:
    _teams.invalidate()


def team_settings_set(
    *, actor: User, team: Team, auto_assign: bool, on_unavailable: str
) -> TeamAssignment:
    """Switch automatic assignment and the on-unavailable policy of ``team`` (managers, lead)."""
    if not (policies.is_manager(actor) or team.lead_id == actor.pk):
        raise Forbidden("permission.denied", _("You may not change this team's settings."))
    if on_unavailable not in OnUnavailable.values:
        message = _("Choose one of: %(expected)s.") % {"expected": ", ".join(OnUnavailable.values)}
        raise ValidationFailed("invalid", message, fields={"on_unavailable": message})
    with transaction.atomic():
        row, _created = TeamAssignment.objects.update_or_create(
            team=team, defaults={"auto_assign": auto_assign, "on_unavailable": on_unavailable}
        )
        audit_record(
            actor=actor,
            action="assignment.team_settings",
            obj=team,
            data={"auto_assign": auto_assign, "on_unavailable": on_unavailable},
        )
    invalidate()
    return row


# --- automatic assignment ------------------------------------------------------------------------
def _lock_cursor(key: str) -> RoundRobinCursor:
    RoundRobinCursor.objects.bulk_create([RoundRobinCursor(key=key)], ignore_conflicts=True)
    return RoundRobinCursor.objects.select_for_update().get(key=key)


def _claim_agent(user_id: int, weight: float, now: datetime) -> User | None:
    """Lock the agent's profile and re-check availability and capacity with fresh figures."""
    profile = (
        AgentProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(user_id=user_id)
    )
    if profile.availability != Availability.ONLINE:
        return None
    if profile.on_leave_until is not None and profile.on_leave_until > now:
        return None
    load = engine.loads_of([user_id]).get(user_id, 0.0)
    if load + weight > profile.capacity:
        return None
    return profile.user


def assign_automatically(ticket: Ticket, *, exclude: Iterable[int] = ()) -> Decision:
    """Give ``ticket`` to the best available agent of its team (call inside a transaction with
    the ticket locked or just created).

    Locks the rule's round-robin cursor, then the chosen agent's profile, and re-checks that
    agent's capacity under the lock, trying the next best when it filled up meanwhile: concurrent
    assignments never push an agent past capacity. On success: the usual assignment (timeline,
    status, audit, ``ticket.assigned`` → notification), an internal ``ticket.auto_assigned`` entry
    with the score breakdown, and the cursor moved. Returns the decision (agent None: nobody).
    """
    now = timezone.now()
    # The cursor first: concurrent assignments under one rule queue here, and each then loads
    # the loads its predecessors committed.
    key, round_robin = engine.cursor_key(ticket, engine.config(engine.current_version()))
    cursor = _lock_cursor(key) if round_robin else None
    ctx = engine.load_context(ticket, now=now)
    ctx.last_user_id = cursor.last_user_id if cursor else None
    weight = engine.LOAD_WEIGHTS.get(ticket.priority, 1.0)
    tried = set(exclude)
    decision = engine.rank(ctx, exclude=frozenset(tried))
    for _attempt in range(MAX_TRIES):
        if decision.agent_id is None:
            break
        agent = _claim_agent(decision.agent_id, weight, now)
        if agent is not None:
            assign_locked(ticket, assignee=agent, actor=None)
            timeline.auto_assigned(ticket, data=decision.as_data())
            if cursor is not None:
                cursor.last_user_id = agent.pk
                cursor.turns = F("turns") + 1
                cursor.save(update_fields=["last_user", "turns", "updated_at"])
            PendingAssignment.objects.filter(ticket=ticket).delete()
            return decision
        tried.add(decision.agent_id)
        decision = engine.rank(ctx, exclude=frozenset(tried))
    return Decision(
        agent_id=None,
        rule_id=decision.rule_id,
        rule_label=decision.rule_label,
        weights=decision.weights,
        scored=[],
        passed=decision.passed,
        cursor_key=decision.cursor_key,
    )


def _queue(ticket: Ticket, decision: Decision, now: datetime) -> None:
    """Keep ``ticket`` in the waiting queue; the first time, explain and tell the team lead."""
    pending, created = PendingAssignment.objects.get_or_create(
        ticket=ticket, defaults={"queued_at": now, "last_attempt_at": now}
    )
    if not created:
        PendingAssignment.objects.filter(pk=pending.pk).update(
            attempts=F("attempts") + 1, last_attempt_at=now
        )
        return
    timeline.auto_assigned(ticket, data=decision.as_data())
    lead_id = ticket.team.lead_id if ticket.team_id and ticket.team else None
    if lead_id:
        emit("assignment.no_agent", ticket=ticket.number, team=ticket.team_id, lead=lead_id)
        PendingAssignment.objects.filter(pk=pending.pk).update(lead_notified_at=now)


def assign_new_ticket(ticket: Ticket) -> Decision | None:
    """Hook of ``ticket_create``: when the ticket's team assigns automatically, assign it or
    queue it (the lead is told once). Returns the decision, None when the team is manual."""
    auto, _policy = team_settings(ticket.team_id)
    if not auto:
        return None
    decision = assign_automatically(ticket)
    if decision.agent_id is None:
        _queue(ticket, decision, timezone.now())
    return decision


def _unavailable(profile: AgentProfile | None, now: datetime) -> bool:
    if profile is None:
        return False
    on_leave = profile.on_leave_until is not None and profile.on_leave_until > now
    return on_leave or profile.availability == Availability.OFFLINE


def _move_on(ticket: Ticket, now: datetime) -> None:
    """Give a locked ticket whose assignee is unavailable to someone else, or to the queue."""
    previous = ticket.assignee_id
    decision = assign_automatically(ticket, exclude=[previous] if previous else [])
    if decision.agent_id is not None:
        return
    assign_locked(ticket, assignee=None, actor=None)
    if team_settings(ticket.team_id)[0]:
        _queue(ticket, decision, now)


def reassign_if_unavailable(ticket: Ticket) -> bool:
    """Hook of ``ticket_transition`` on reopen (ticket locked): in a team that assigns
    automatically, when the assignee is offline or on leave, the ticket goes to an available
    colleague or back to the team's waiting queue. Manual teams keep the owner (availability
    means nothing to a team that does not use smart assignment)."""
    if ticket.assignee_id is None or not team_settings(ticket.team_id)[0]:
        return False
    now = timezone.now()
    profile = AgentProfile.objects.filter(user_id=ticket.assignee_id).first()
    if not _unavailable(profile, now):
        return False
    _move_on(ticket, now)
    return True


def redistribute(user_id: int) -> int:
    """Move the open tickets of an unavailable agent in teams that redistribute (one transaction
    per ticket; a ticket changed meanwhile is left alone). Returns how many moved."""
    now = timezone.now()
    profile = AgentProfile.objects.filter(user_id=user_id).first()
    if not _unavailable(profile, now):
        return 0
    teams = [
        t
        for t in Membership.objects.filter(user_id=user_id).values_list("team_id", flat=True)
        if team_settings(t)[1] == OnUnavailable.REDISTRIBUTE
    ]
    ids = list(
        Ticket.objects.filter(assignee_id=user_id, is_open=True, team_id__in=teams)
        .order_by("-priority_rank", "id")
        .values_list("pk", flat=True)
    )
    moved = 0
    for pk in ids:
        with transaction.atomic():
            ticket = lock_ticket(pk)
            if ticket.assignee_id != user_id or not ticket.is_open:
                continue
            _move_on(ticket, now)
            moved += 1
    return moved


def retry_pending(*, limit: int = 200) -> int:
    """The waiting queue's periodic retry: assign what can now be assigned. Teams with nobody
    online are skipped with one query; tickets assigned by hand or closed leave the queue."""
    now = timezone.now()
    rows = list(
        PendingAssignment.objects.order_by("last_attempt_at", "id").values_list(
            "pk", "ticket_id", "ticket__team_id"
        )[:limit]
    )
    teams = {team for _pk, _t, team in rows if team is not None}
    online = set(
        AgentProfile.objects.filter(
            availability=Availability.ONLINE, user__teams__in=teams
        ).values_list("user__teams", flat=True)
    )
    assigned = 0
    for pk, ticket_id, team_id in rows:
        if team_id in online or team_id is None:
            assigned += _retry_one(pk, ticket_id, now)
    return assigned


def _retry_one(pending_id: int, ticket_id: int, now: datetime) -> int:
    with transaction.atomic():
        ticket = lock_ticket(ticket_id)
        auto, _policy = team_settings(ticket.team_id)
        if ticket.assignee_id is not None or not ticket.is_open or not auto:
            PendingAssignment.objects.filter(pk=pending_id).delete()
            return 0
        decision = assign_automatically(ticket)
        if decision.agent_id is None:
            PendingAssignment.objects.filter(pk=pending_id).update(
                attempts=F("attempts") + 1, last_attempt_at=now
            )
            return 0
        return 1


# --- take next ------------------------------------------------------------------------------------
def _unqualified(actor: User) -> tuple[set[int], set[int]]:
    """Ticket types and categories whose required skills ``actor`` lacks."""
    cfg = engine.config()
    mine = dict(AgentSkill.objects.filter(profile__user=actor).values_list("skill_id", "level"))

    def lacking(required: dict[int, int]) -> bool:
        return any(mine.get(skill, 0) < level for skill, level in required.items())

    types = {pk for pk, req in cfg.by_type.items() if lacking(req)}
    categories = {pk for pk, req in cfg.by_category.items() if lacking(req)}
    return types, categories


def take_next_queue(*, actor: User, team: Team | None = None) -> Any:
    """The unassigned open tickets ``actor`` could take, best first: highest priority, soonest
    SLA due time, oldest; only in ``actor``'s teams and only those they have the skills for."""
    my_teams = Membership.objects.filter(user=actor).values("team_id")
    qs = Ticket.objects.filter(is_open=True, assignee__isnull=True, team__in=my_teams)
    if team is not None:
        qs = qs.filter(team=team)
    bad_types, bad_categories = _unqualified(actor)
    if bad_types:
        qs = qs.exclude(ticket_type_id__in=bad_types)
    if bad_categories:
        qs = qs.exclude(category_id__in=bad_categories)
    return qs.order_by("-priority_rank", F("sla_due_at").asc(nulls_last=True), "created_at", "id")


def _claim_next(queue: Any) -> int | None:
    """Claim the first ticket of ``queue`` for this transaction; None when it is empty.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` — two agents pressing at once get different tickets.
    SQLite: the IMMEDIATE transaction already holds the write lock; the conditional UPDATE
    (``… WHERE assignee_id IS NULL``) proves the row is still free.
    """
    if connection.vendor == "postgresql":
        pks = list(queue.select_for_update(skip_locked=True, of=("self",)).values_list("pk")[:1])
        return pks[0][0] if pks else None
    for pk in queue.values_list("pk", flat=True)[:5]:
        if Ticket.objects.filter(pk=pk, assignee__isnull=True).update(version=F("version")):
            return int(pk)
    return None


def take_next(*, actor: User, team: Team | None = None) -> Ticket | None:
    """Claim and assign to ``actor`` the best ticket of ``take_next_queue`` (None: nothing to
    take). Staff only; ``team`` must be one of the actor's teams (404 otherwise)."""
    if not (actor.is_authenticated and actor.is_active and actor.is_staff_member):
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))
    if team is not None and not Membership.objects.filter(user=actor, team=team).exists():
        raise NotFound("team.not_found", _("Team not found."))
    with transaction.atomic():
        pk = _claim_next(take_next_queue(actor=actor, team=team))
        if pk is None:
            return None
        ticket = lock_ticket(pk)
        assign_locked(ticket, assignee=actor, actor=actor)
        PendingAssignment.objects.filter(ticket=ticket).delete()
    return ticket


# --- availability and agent settings -------------------------------------------------------------
def _became_available(before: tuple[str, Any], profile: AgentProfile, now: datetime) -> bool:
    was_on_leave = before[1] is not None and before[1] > now
    return (
        profile.availability == Availability.ONLINE
        and (before[0] != Availability.ONLINE or was_on_leave)
        and not _unavailable(profile, now)
    )


def availability_set(
    *,
    actor: User,
    user: User,
    availability: str = UNSET,
    on_leave_until: datetime | None = UNSET,
) -> AgentProfile:
    """Switch an agent online / away / offline, or set leave (the agent, their lead, managers).

    Going offline or on leave redistributes their open tickets in teams that ask for it (a job
    after commit); coming online retries the waiting queue (a job after commit). Audited.
    """
    if not policies.may_set_availability(actor, user):
        raise NotFound("agent.not_found", _("Agent not found."))
    if availability is not UNSET and availability not in Availability.values:
        message = _("Choose one of: %(expected)s.") % {"expected": ", ".join(Availability.values)}
        raise ValidationFailed("invalid", message, fields={"availability": message})
    now = timezone.now()
    with transaction.atomic():
        profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=user)
        before = (profile.availability, profile.on_leave_until)
        if availability is not UNSET:
            profile.availability = availability
        if on_leave_until is not UNSET:
            profile.on_leave_until = on_leave_until
        if (profile.availability, profile.on_leave_until) == before:
            return profile
        profile.availability_changed_at = now
        fields = ["availability", "availability_changed_at"]
        if profile.on_leave_until != before[1]:
            fields.append(
                "on_leave_until"
            )  # a leave date is cached by the engine, availability not
        profile.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="agent.availability_changed",
            obj=user,
            data={"availability": profile.availability, "on_leave_until": profile.on_leave_until},
        )
        if _unavailable(profile, now):
            enqueue_on_commit(redistribute_agent_tickets, user.pk)
        elif _became_available(before, profile, now):
            enqueue_on_commit(retry_pending_assignments_now)
    return profile


PROFILE_FIELDS = ("capacity", "seniority", "latitude", "longitude", "location_name")
LOCATION_FIELDS = ("current_latitude", "current_longitude")


def agent_update(*, actor: User, user: User, **changes: Any) -> AgentProfile:
    """Change an agent's capacity, seniority and home location (lead or manager) or current
    location (the agent too). Unknown agents and agents the actor may not see: 404."""
    if not policies.may_set_availability(actor, user):
        raise NotFound("agent.not_found", _("Agent not found."))
    managed = {k for k in changes if k in PROFILE_FIELDS}
    if managed and not policies.may_manage_agent(actor, user):
        raise Forbidden("permission.denied", _("Only the team lead or a supervisor may do this."))
    with transaction.atomic():
        profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=user)
        for name, value in changes.items():
            if isinstance(value, float):  # coordinates: DecimalField(9, 6)
                value = Decimal(str(round(value, 6)))
            setattr(profile, name, value)
        for lat, lng in (("latitude", "longitude"), ("current_latitude", "current_longitude")):
            if (getattr(profile, lat) is None) != (getattr(profile, lng) is None):
                message = _("Give both latitude and longitude, or neither.")
                raise ValidationFailed(
                    "validation_error",
                    _("Please correct the highlighted fields."),
                    fields={lng: message},
                )
        if set(changes) & set(LOCATION_FIELDS):
            profile.located_at = timezone.now()
        _full_clean(profile)
        profile.save()
        if "capacity" in changes:  # more room: the waiting queue may move
            enqueue_on_commit(retry_pending_assignments_now)
        audit_record(
            actor=actor,
            action="agent.profile_changed",
            obj=user,
            data={k: str(v) if v is not None else None for k, v in changes.items()},
        )
    return profile


def _full_clean(obj: Any) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean()
    except ValidationError as exc:
        fields = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise ValidationFailed(
            "validation_error", _("Please correct the highlighted fields."), fields=fields
        ) from exc


def assignment_preview(
    *, actor: User, ticket: Ticket, site: tuple[float, float] | None = None
) -> Decision:
    """A dry run: who would get ``ticket`` now and why (nothing is written, nothing locked).

    Only for staff who see the ticket and manage or belong to its team (404 / 403 otherwise):
    the answer shows colleagues' load and availability.
    """
    require_visible(actor, ticket)
    require_staff(actor)
    if not policies.may_preview(actor, ticket.team_id):
        raise Forbidden(
            "permission.denied", _("Only the ticket's team may preview its assignment.")
        )
    return engine.decide(ticket, site=site)


# --- jobs the services enqueue (after commit) ----------------------------------------------------
@job()
def retry_pending_assignments_now() -> int:
    """Enqueued after commit when an agent comes online: the periodic retry, at once."""
    return retry_pending()


@job()
def redistribute_agent_tickets(user_id: int) -> int:
    """Enqueued after commit when an agent goes offline or on leave (idempotent)."""
    return redistribute(user_id)
