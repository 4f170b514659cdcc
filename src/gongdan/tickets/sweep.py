"""The follow-up sweep: due reminders and supervision (督办) deadlines, each fired once.

Like the SLA sweep it reads only rows whose indexed time has passed, claims a batch under
``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite's write lock serialises sweepers),
re-checks the condition on the locked rows and writes every effect in the same transaction.
A second sweeper skips or no longer matches them; a crash rolls the batch back for the next tick.
The batch loop is the one every sweep shares (``gongdan.core.sweeps``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.audit.services import audit_event
from gongdan.core.orm import update_rows
from gongdan.core.sweeps import Effects, run_step
from gongdan.tickets import timeline
from gongdan.tickets.choices import SupervisionStatus, TimelineKind
from gongdan.tickets.models import Reminder, Supervision
from gongdan.tickets.services import followups
from gongdan.tickets.services.followups import escalate_after, responders, supervision_payload

BATCH = 200


@dataclass
class FollowupResult:
    reminders: int = 0
    supervision_warnings: int = 0
    supervision_overdue: int = 0
    supervision_escalations: int = 0
    errors: list[str] = field(default_factory=list)


def _fire_reminders(rows: list[Reminder], now: datetime, fx: Effects) -> None:
    for reminder in rows:
        reminder.fired_at = now
        fx.notes.append(
            (
                [reminder.recipient],
                "ticket.reminder",
                reminder.ticket,
                {"note": reminder.note, "reminder": reminder.pk},
            )
        )
    update_rows(rows, ["fired_at"])
    fx.fired["reminders"] += len(rows)


def _entry(supervision: Supervision, kind: TimelineKind, now: datetime, fx: Effects) -> None:
    if supervision.ticket is not None:
        fx.entries.append(
            timeline.build(
                supervision.ticket,
                kind,
                actor=None,
                data={
                    "supervision": supervision.pk,
                    "deadline": followups.when_label(supervision.deadline),
                },
                is_internal=True,
                at=now,
            )
        )


def _warn(rows: list[Supervision], now: datetime, fx: Effects) -> None:
    for supervision in rows:
        supervision.warn_at = None
        fx.notes.append(
            (
                list[User | None](responders(supervision)),
                "supervision.overdue",
                None,
                supervision_payload(supervision),
            )
        )
    update_rows(rows, ["warn_at"])
    fx.fired["supervision_warnings"] += len(rows)


def _overdue(rows: list[Supervision], now: datetime, fx: Effects) -> None:
    for supervision in rows:
        supervision.overdue_at = now
        supervision.warn_at = None
        supervision.escalate_at = now + escalate_after()
        _entry(supervision, TimelineKind.SUPERVISION_OVERDUE, now, fx)
        people: list[User | None] = [*responders(supervision), supervision.created_by]
        fx.notes.append((people, "supervision.overdue", None, supervision_payload(supervision)))
        fx.audits.append(
            audit_event(actor=None, action="supervision.overdue", obj=supervision, data={})
        )
    update_rows(rows, ["overdue_at", "warn_at", "escalate_at"])
    fx.fired["supervision_overdue"] += len(rows)


def _escalate(rows: list[Supervision], now: datetime, fx: Effects) -> None:
    bosses: list[User | None] = list(
        User.objects.filter(role__in=[Role.SUPERVISOR, Role.ADMIN], is_active=True)
    )
    for supervision in rows:
        supervision.escalated_at = now
        supervision.escalate_at = None
        _entry(supervision, TimelineKind.SUPERVISION_ESCALATED, now, fx)
        fx.notes.append((bosses, "supervision.overdue", None, supervision_payload(supervision)))
        fx.audits.append(
            audit_event(actor=None, action="supervision.escalated", obj=supervision, data={})
        )
    update_rows(rows, ["escalated_at", "escalate_at"])
    fx.fired["supervision_escalations"] += len(rows)


def sweep(*, now: datetime | None = None, limit: int = 5_000) -> FollowupResult:
    """Send due reminders; warn, mark overdue and escalate supervisions (once each)."""
    now = now or timezone.now()
    result = FollowupResult()
    related = ("ticket__assignee", "ticket__team__lead", "team__lead", "created_by")
    open_ = Q(status=SupervisionStatus.OPEN)
    run_step(
        "reminders",
        Reminder.objects.filter(fired_at__isnull=True, remind_at__lte=now).select_related(
            "ticket", "recipient"
        ),
        "remind_at",
        _fire_reminders,
        now,
        result=result,
        limit=limit,
        batch=BATCH,
    )
    supervisions = Supervision.objects.select_related(*related)
    run_step(
        "supervision_warnings",
        supervisions.filter(open_, warn_at__lte=now, deadline__gt=now),
        "warn_at",
        _warn,
        now,
        result=result,
        limit=limit,
        batch=BATCH,
    )
    run_step(
        "supervision_overdue",
        supervisions.filter(
            open_, deadline__lte=now, overdue_at__isnull=True, closed_at__isnull=True
        ),
        "deadline",
        _overdue,
        now,
        result=result,
        limit=limit,
        batch=BATCH,
    )
    run_step(
        "supervision_escalations",
        supervisions.filter(open_, escalate_at__lte=now),
        "escalate_at",
        _escalate,
        now,
        result=result,
        limit=limit,
        batch=BATCH,
    )
    return result
