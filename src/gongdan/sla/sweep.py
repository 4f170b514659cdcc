"""Warnings, breaches and escalations: found by indexed due times, each fired exactly once.

One ``sweep`` pass (the periodic ``sla_sweep`` job, every minute on the scheduler-lease holder)
looks only at clocks whose ``warn_at``, ``due_at`` or ``escalate_at`` has passed — three index
range scans, so its cost grows with the work that is due, not with the number of tickets.

Work is done in batches, each in one transaction: the batch's clocks are read with
``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; on SQLite the transaction holds the database's
write lock), their conditions are checked again on the locked rows, and every effect — clock
updates, timeline entries, audit events, notifications, outbox events, escalation actions — is
written with a few set-based statements in the same transaction. A second sweeper skips the
locked rows or finds them already handled; a sweep that crashes rolls back and is redone. So
each warning, breach and escalation happens once per clock and level. The batch loop is the one
every sweep shares (``gongdan.core.sweeps``). A breach whose first escalation level is due at
once fires that level in the same batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.audit.services import audit_event
from gongdan.core.orm import update_rows
from gongdan.core.sweeps import Effects, run_step
from gongdan.sla import engine
from gongdan.sla.models import EscalationLevel, SlaClock
from gongdan.tickets import timeline
from gongdan.tickets.choices import EscalationAction, Priority, TimelineKind
from gongdan.tickets.models import Ticket, TicketWatcher

BATCH = 500
# What the firings read of a ticket (the rest of the row is not loaded).
TICKET_FIELDS = [
    "number",
    "title",
    "status",
    "closed_at",
    "priority",
    "team",
    "assignee",
    "version",
    "updated_at",
]
PRIORITY_UP: dict[str, str] = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
}


@dataclass
class SweepResult:
    warnings: int = 0
    reminders: int = 0
    breaches: int = 0
    escalations: int = 0
    errors: list[str] = field(default_factory=list)


def _due_label(value: datetime | None) -> str:
    """``2026-11-23 18:00`` in the site's time zone (a fixed, language-neutral format)."""
    if value is None:
        return ""
    return value.astimezone(_zone()).strftime("%Y-%m-%d %H:%M")


def _zone() -> Any:
    return timezone.get_default_timezone()


def _with_tickets(queryset: QuerySet[SlaClock]) -> QuerySet[SlaClock]:
    """The clocks with just the ticket, assignee and lead fields that firings read."""
    return queryset.select_related("ticket__assignee", "ticket__team__lead").only(
        *[f.name for f in SlaClock._meta.concrete_fields],
        *[f"ticket__{name}" for name in TICKET_FIELDS],
        "ticket__assignee__is_active",
        "ticket__team__name",
        "ticket__team__lead__is_active",
    )


# --- warnings ---------------------------------------------------------------------------------


def _warn(clocks: list[SlaClock], now: datetime, fx: Effects) -> None:
    for clock in clocks:
        spec = engine._clock_spec(clock)
        left = engine.remaining_seconds(clock, now)
        percents = [p for p in engine._warn_percents(clock) if p > clock.warned_percent]
        if left is None or not percents:
            clock.warn_at = None
            continue
        used = 100 * (1 - left / engine._target_seconds(clock))
        # The highest threshold already passed: a late sweep warns once, at the higher level.
        level = ([p for p in percents if p <= used + 1e-6] or percents[:1])[-1]
        clock.warned_percent = level
        clock.warn_at = engine._next_warning(clock, spec)
        data = {"target": clock.target, "percent": level, "due": _due_label(clock.due_at)}
        ticket = clock.ticket
        fx.entries.append(
            timeline.build(
                ticket, TimelineKind.SLA_WARNING, actor=None, data=data, is_internal=True, at=now
            )
        )
        fx.notes.append(([ticket.assignee], "sla.warning", ticket, data))
        fx.events["sla.warning"].append(
            {"ticket": ticket.number, "target": clock.target, "percent": level}
        )
        fx.fired["warnings"] += 1
    update_rows(clocks, ["warned_percent", "warn_at"])


# --- reminders (the policy's lead time before a due time) ------------------------------------


def _remind(clocks: list[SlaClock], now: datetime, fx: Effects) -> None:
    for clock in clocks:
        clock.remind_at = None
        if clock.reminded or clock.due_at is None:
            continue
        clock.reminded = True
        ticket = clock.ticket
        data = {"target": clock.target, "due": _due_label(clock.due_at)}
        fx.entries.append(
            timeline.build(
                ticket, TimelineKind.SLA_REMINDER, actor=None, data=data, is_internal=True, at=now
            )
        )
        fx.notes.append(([ticket.assignee], "sla.reminder", ticket, data))
        fx.fired["reminders"] += 1
    update_rows(clocks, ["reminded", "remind_at"])


# --- breaches ---------------------------------------------------------------------------------


def _breach(clocks: list[SlaClock], now: datetime, fx: Effects) -> None:
    for clock in clocks:
        clock.breached_at = now
        clock.warn_at = clock.remind_at = None
        clock.escalate_at = engine.next_escalation(clock, engine._clock_spec(clock))
        ticket = clock.ticket
        data = {"target": clock.target, "due": _due_label(clock.due_at)}
        fx.entries.append(
            timeline.build(
                ticket, TimelineKind.SLA_BREACHED, actor=None, data=data, is_internal=True, at=now
            )
        )
        fx.events["sla.breached"].append({"ticket": ticket.number, "target": clock.target})
    fx.fired["breaches"] += len(clocks)
    # A level due at the breach itself (``after_minutes`` 0, the common case) fires now, on the
    # rows already locked, instead of being claimed again by the escalation step.
    _fire_levels([c for c in clocks if c.escalate_at is not None and c.escalate_at <= now], now, fx)
    update_rows(clocks, ["breached_at", "warn_at", "remind_at", "escalation_level", "escalate_at"])
    Ticket.objects.filter(
        pk__in={c.ticket_id for c in clocks}, sla_breached_at__isnull=True
    ).update(sla_breached_at=now)


# --- escalations ------------------------------------------------------------------------------


def _supervisors() -> list[User]:
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True))


def _told(
    ticket: Ticket, level: EscalationLevel, supervisors: list[User]
) -> tuple[list[User | None], list[str]]:
    """Who a level notifies about ``ticket``, and the actions that records."""
    recipients: list[User | None] = []
    actions: list[str] = []
    if level.notify_assignee and ticket.assignee_id:
        recipients.append(ticket.assignee)
        actions.append(EscalationAction.NOTIFIED_ASSIGNEE)
    team = ticket.team
    if level.notify_team_lead and team is not None and team.lead_id:
        recipients.append(team.lead)
        actions.append(EscalationAction.NOTIFIED_LEAD)
    if level.notify_supervisors:
        recipients += supervisors
        actions.append(EscalationAction.NOTIFIED_SUPERVISORS)
    return recipients, actions


def _escalate(clocks: list[SlaClock], now: datetime, fx: Effects) -> None:
    _fire_levels(clocks, now, fx)
    update_rows(clocks, ["escalation_level", "escalate_at"])


def _fire_levels(clocks: list[SlaClock], now: datetime, fx: Effects) -> None:
    """Fire the next level of each clock (saved by the caller); ticket changes in a few UPDATEs."""
    if not clocks:
        return
    supervisors: list[User] | None = None
    raise_from: dict[str, set[int]] = defaultdict(set)  # old priority -> ticket ids
    move_to: dict[int, set[int]] = defaultdict(set)  # team id -> ticket ids
    watchers: list[TicketWatcher] = []
    for clock in clocks:
        levels = engine.levels_of(clock)
        index = clock.escalation_level
        if index >= len(levels):
            clock.escalate_at = None
            continue
        level: EscalationLevel = levels[index]
        clock.escalation_level = index + 1
        clock.escalate_at = engine.next_escalation(clock, engine._clock_spec(clock))
        ticket = clock.ticket
        if level.notify_supervisors and supervisors is None:
            supervisors = _supervisors()
        recipients, actions = _told(ticket, level, supervisors or [])
        priority: list[str] = []
        if level.raise_priority and ticket.priority in PRIORITY_UP:
            # Recorded on the escalation's own entry (old → new), not as a second entry.
            new = PRIORITY_UP[ticket.priority]
            raise_from[ticket.priority].add(ticket.pk)
            priority = [ticket.priority, new]
            ticket.priority = new
            actions.append(EscalationAction.RAISED_PRIORITY)
        if level.move_to_team_id and level.move_to_team_id != ticket.team_id:
            move_to[level.move_to_team_id].add(ticket.pk)
            fx.entries.append(
                timeline.build(
                    ticket,
                    TimelineKind.TEAM_CHANGED,
                    actor=None,
                    data={
                        "old": ticket.team_id,
                        "old_label": str(ticket.team) if ticket.team_id else None,
                        "new": level.move_to_team_id,
                        "new_label": str(level.move_to_team),
                    },
                    at=now,
                )
            )
            actions.append(EscalationAction.MOVED_TEAM)
        added = list(level.add_watchers.all())
        if added:
            watchers += [TicketWatcher(ticket=ticket, user=user) for user in added]
            actions.append(EscalationAction.ADDED_WATCHERS)
        data = {
            "target": clock.target,
            "level": index + 1,
            "actions": [str(a) for a in actions],
            **({"priority": priority} if priority else {}),
        }
        fx.entries.append(
            timeline.build(
                ticket, TimelineKind.SLA_ESCALATED, actor=None, data=data, is_internal=True, at=now
            )
        )
        fx.audits.append(audit_event(actor=None, action="sla.escalated", obj=ticket, data=data))
        fx.notes.append((recipients, "sla.escalated", ticket, data))
        fx.events["sla.escalated"].append(
            {"ticket": ticket.number, "target": clock.target, "level": index + 1}
        )
        fx.fired["escalations"] += 1
    bump = {"version": F("version") + 1, "updated_at": now}
    for old, ids in raise_from.items():
        Ticket.objects.filter(pk__in=ids, priority=old).update(priority=PRIORITY_UP[old], **bump)
    for team_id, ids in move_to.items():
        Ticket.objects.filter(pk__in=ids).update(team_id=team_id, **bump)
    TicketWatcher.objects.bulk_create(watchers, ignore_conflicts=True)


# --- clocks of finished tickets ---------------------------------------------------------------


Fire = Callable[[list[SlaClock], datetime, Effects], None]


def _live_only(fire: Fire) -> Fire:
    """``fire`` for the clocks of open tickets; a stale clock of a finished ticket is stopped.

    Closed and cancelled tickets have no running clocks (``engine.on_status`` stops them and
    ``engine.on_reply`` leaves them stopped). A row that still runs is stale: it is stopped here,
    on the locked rows, and never warns, reminds, breaches or escalates.
    """

    def fire_live(clocks: list[SlaClock], now: datetime, fx: Effects) -> None:
        stale = [c for c in clocks if c.ticket.status in engine.STOPPED]
        if stale:
            engine.stop_stale(stale, now)
            update_rows(stale, engine.HALT_FIELDS)
        live = [c for c in clocks if c.ticket.status not in engine.STOPPED]
        if live:
            fire(live, now, fx)

    return fire_live


# --- the pass ---------------------------------------------------------------------------------


def sweep(*, now: datetime | None = None, limit: int = 10_000) -> SweepResult:
    """Fire every due warning, breach and escalation (up to ``limit`` of each per pass)."""
    now = now or timezone.now()
    result = SweepResult()
    running = Q(running_since__isnull=False, met_at__isnull=True)
    due_warning = SlaClock.objects.filter(running, warn_at__lte=now)
    due_reminder = SlaClock.objects.filter(running, remind_at__lte=now)
    due_breach = SlaClock.objects.filter(running, breached_at__isnull=True, due_at__lte=now)
    due_level = SlaClock.objects.filter(running, escalate_at__lte=now)
    steps: list[tuple[str, QuerySet[SlaClock], str, Any]] = [
        ("warnings", due_warning, "warn_at", _warn),
        ("reminders", due_reminder, "remind_at", _remind),
        ("breaches", due_breach, "due_at", _breach),
        ("escalations", due_level, "escalate_at", _escalate),
    ]
    for name, queryset, order, fire in steps:
        run_step(
            name,
            _with_tickets(queryset),
            order,
            _live_only(fire),
            now,
            result=result,
            limit=limit,
            batch=BATCH,
        )
    return result
