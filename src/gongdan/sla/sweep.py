"""Warnings, breaches and escalations: found by indexed due times, each fired exactly once.

One ``sweep`` pass (the periodic ``sla_sweep`` job, every minute on the scheduler-lease holder)
looks only at clocks whose ``warn_at``, ``due_at`` or ``escalate_at`` has passed — three index
range scans, so its cost grows with the work that is due, not with the number of tickets.

Each firing claims its clock with a conditional UPDATE (``… WHERE warned_percent < 90``,
``… WHERE breached_at IS NULL``, ``… WHERE escalation_level = 1``) in the same transaction as
its effects (timeline entry, notifications, escalation actions). Two consumers sweeping at once,
or a sweep retried after a crash, can only repeat the claim, which then matches no row: every
warning, breach and escalation happens once per clock and level.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.audit.services import audit_record
from gongdan.sla import engine
from gongdan.sla.models import EscalationLevel, SlaClock
from gongdan.tickets import timeline
from gongdan.tickets.choices import PRIORITY_RANK, EscalationAction, Priority, TimelineKind
from gongdan.tickets.models import Ticket, TicketWatcher
from gongdan.tickets.services._common import lock_ticket, touch

logger = logging.getLogger(__name__)

BATCH = 1000


@dataclass
class SweepResult:
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    errors: list[str] = field(default_factory=list)


def _due_label(value: datetime | None) -> str:
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def _notify(
    recipients: list[User | None], kind: str, ticket: Ticket, data: dict[str, object]
) -> None:
    from gongdan.notifications.services import notify

    notify(recipients=recipients, kind=kind, ticket=ticket, data=data)


def _fire_warning(clock_id: int, now: datetime) -> bool:
    with transaction.atomic():
        clock = SlaClock.objects.select_related("ticket__assignee").filter(pk=clock_id).first()
        if clock is None or clock.warn_at is None or clock.warn_at > now:
            return False
        spec = engine._clock_spec(clock)
        percents = [p for p in engine._warn_percents(clock) if p > clock.warned_percent]
        if not percents or clock.running_since is None:
            SlaClock.objects.filter(pk=clock.pk).update(warn_at=None)
            return False
        # The highest threshold already passed (a late sweep warns once, at the higher level).
        used_pct = 100 * (
            1 - (engine.remaining_seconds(clock, now) or 0) / engine._target_seconds(clock)
        )
        reached = [p for p in percents if p <= used_pct + 1e-6] or percents[:1]
        level = reached[-1]
        clock.warned_percent = level
        next_warn = engine._next_warning(clock, spec)
        claimed = SlaClock.objects.filter(
            pk=clock.pk, warned_percent__lt=level, warn_at__isnull=False
        ).update(warned_percent=level, warn_at=next_warn)
        if not claimed:
            return False
        ticket = clock.ticket
        data = {"target": clock.target, "percent": level, "due": _due_label(clock.due_at)}
        timeline.record(ticket, TimelineKind.SLA_WARNING, actor=None, data=data, is_internal=True)
        _notify([ticket.assignee], "sla.warning", ticket, data)
        return True


def _fire_breach(clock_id: int, now: datetime) -> bool:
    with transaction.atomic():
        clock = SlaClock.objects.select_related("ticket__assignee").filter(pk=clock_id).first()
        if clock is None or clock.due_at is None or clock.due_at > now:
            return False
        clock.breached_at = now
        escalate_at = engine.next_escalation(clock, engine._clock_spec(clock))
        claimed = SlaClock.objects.filter(
            pk=clock.pk, breached_at__isnull=True, met_at__isnull=True
        ).update(breached_at=now, warn_at=None, escalate_at=escalate_at)
        if not claimed:
            return False
        ticket = clock.ticket
        Ticket.objects.filter(pk=ticket.pk, sla_breached_at__isnull=True).update(
            sla_breached_at=now
        )
        data = {"target": clock.target, "due": _due_label(clock.due_at)}
        timeline.record(ticket, TimelineKind.SLA_BREACHED, actor=None, data=data, is_internal=True)
        audit_record(actor=None, action="sla.breached", obj=ticket, data=data)
        from gongdan.core.events import emit

        emit("sla.breached", ticket=ticket.number, target=clock.target)
        return True


def _lead_and_supervisors(ticket: Ticket, level: EscalationLevel) -> list[User | None]:
    people: list[User | None] = []
    if level.notify_team_lead and ticket.team_id and ticket.team and ticket.team.lead_id:
        people.append(ticket.team.lead)
    if level.notify_supervisors:
        people += list(User.objects.filter(role=Role.SUPERVISOR, is_active=True))
    return people


def _apply_level(ticket: Ticket, level: EscalationLevel) -> list[str]:
    """Run a level's actions on the (locked) ticket; returns what was done."""
    done: list[str] = []
    changed: list[str] = []
    if level.raise_priority and ticket.priority != Priority.URGENT:
        order = sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__)
        new = order[order.index(Priority(ticket.priority)) + 1]
        timeline.choice_changed(
            ticket, TimelineKind.PRIORITY_CHANGED, actor=None, old=ticket.priority, new=new
        )
        ticket.priority = new
        changed.append("priority")
        done.append(EscalationAction.RAISED_PRIORITY)
    if level.move_to_team_id and level.move_to_team_id != ticket.team_id:
        timeline.reference_changed(
            ticket, TimelineKind.TEAM_CHANGED, actor=None, old=ticket.team, new=level.move_to_team
        )
        ticket.team = level.move_to_team
        changed.append("team")
        done.append(EscalationAction.MOVED_TEAM)
    watchers = list(level.add_watchers.all())
    if watchers:
        for user in watchers:
            TicketWatcher.objects.get_or_create(ticket=ticket, user=user)
        done.append(EscalationAction.ADDED_WATCHERS)
    if changed:
        touch(ticket, *changed)
    return done


def _fire_escalation(clock_id: int, now: datetime) -> bool:
    with transaction.atomic():
        clock = SlaClock.objects.filter(pk=clock_id).first()
        if clock is None or clock.escalate_at is None or clock.escalate_at > now:
            return False
        levels = engine.levels_of(clock)
        index = clock.escalation_level
        if index >= len(levels):
            SlaClock.objects.filter(pk=clock.pk).update(escalate_at=None)
            return False
        level = levels[index]
        clock.escalation_level = index + 1
        next_at = engine.next_escalation(clock, engine._clock_spec(clock))
        claimed = SlaClock.objects.filter(pk=clock.pk, escalation_level=index).update(
            escalation_level=index + 1, escalate_at=next_at
        )
        if not claimed:
            return False
        ticket = lock_ticket(clock.ticket_id)
        actions = _apply_level(ticket, level)
        recipients: list[User | None] = []
        if level.notify_assignee:
            recipients.append(ticket.assignee)
            actions.insert(0, EscalationAction.NOTIFIED_ASSIGNEE)
        others = _lead_and_supervisors(ticket, level)
        if level.notify_team_lead and any(others):
            actions.append(EscalationAction.NOTIFIED_LEAD)
        if level.notify_supervisors:
            actions.append(EscalationAction.NOTIFIED_SUPERVISORS)
        data = {"target": clock.target, "level": index + 1, "actions": [str(a) for a in actions]}
        timeline.record(ticket, TimelineKind.SLA_ESCALATED, actor=None, data=data, is_internal=True)
        audit_record(actor=None, action="sla.escalated", obj=ticket, data=data)
        _notify(recipients + others, "sla.escalated", ticket, data)
        return True


def sweep(*, now: datetime | None = None, limit: int = BATCH) -> SweepResult:
    """Fire every due warning, breach and escalation (at most ``limit`` of each per pass)."""
    now = now or timezone.now()
    result = SweepResult()
    running = Q(running_since__isnull=False, met_at__isnull=True)
    steps = [
        ("warnings", SlaClock.objects.filter(running, warn_at__lte=now), "warn_at", _fire_warning),
        (
            "breaches",
            SlaClock.objects.filter(running, breached_at__isnull=True, due_at__lte=now),
            "due_at",
            _fire_breach,
        ),
        (
            "escalations",
            SlaClock.objects.filter(running, escalate_at__lte=now),
            "escalate_at",
            _fire_escalation,
        ),
    ]
    for name, queryset, order, fire in steps:
        ids = list(queryset.order_by(order).values_list("pk", flat=True)[:limit])
        for clock_id in ids:
            try:
                if fire(clock_id, now):
                    setattr(result, name, getattr(result, name) + 1)
            except Exception as exc:  # one bad clock never stops the sweep
                logger.exception("SLA %s failed for clock %s", name, clock_id)
                result.errors.append(f"{name} {clock_id}: {exc!r}")
    return result
