"""Follow-ups on a ticket: reminders an agent sets, and supervision (督办) by a supervisor.

Reminders are personal: they notify their recipient at the time set and are not on the ticket's
timeline. A supervision is on the timeline (internal) from opening to closing; its deadline is
watched by the follow-up sweep (``gongdan.tickets.sweep``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Membership, Team, User
from gongdan.accounts.policies import has_role, is_manager
from gongdan.audit.changes import ChangeKind
from gongdan.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongdan.tickets import changes, policies
from gongdan.tickets.changes import Kind
from gongdan.tickets.choices import (
    ACTIVE_SUPERVISION,
    OPEN_STATUSES,
    SupervisionStatus,
)
from gongdan.tickets.models import Reminder, Supervision, Ticket
from gongdan.tickets.services._common import require_staff, require_visible

NOTE_MAX = 500
TEXT_MAX = 4000
MAX_AHEAD = timedelta(days=366)
REMINDERS_PER_TICKET = 20
WARN_SHARE = 0.75  # a supervision warns its responders when 75 % of its time is gone


def when_label(value: datetime) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def _invalid(code: str, field: str, message: str) -> ValidationFailed:
    return ValidationFailed(code, message, fields={field: message})


def _future(value: datetime | None, field: str, now: datetime) -> datetime:
    if value is None:
        raise _invalid(f"{field}.required", field, _("Choose a date and time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= now:
        raise _invalid(f"{field}.in_past", field, _("Choose a time in the future."))
    if value > now + MAX_AHEAD:
        raise _invalid(f"{field}.too_far", field, _("Choose a time within a year."))
    return value


def _text(value: str, field: str, *, limit: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(f"{field}.required", field, _("This field is required."))
    if len(value) > limit:
        raise _invalid(f"{field}.too_long", field, _("At most %(n)d characters.") % {"n": limit})
    return value


# --- reminders ----------------------------------------------------------------------------------


def reminder_create(
    *,
    actor: User,
    ticket: Ticket,
    remind_at: datetime | None,
    note: str = "",
    recipient: User | None = None,
) -> Reminder:
    """Remind ``recipient`` (default: the actor) of ``ticket`` at ``remind_at``.

    Staff only; the recipient must be active staff who can see the ticket.
    """
    require_staff(actor)
    require_visible(actor, ticket)
    now = timezone.now()
    remind_at = _future(remind_at, "remind_at", now)
    note = _text(note, "note", limit=NOTE_MAX, required=False)
    recipient = recipient or actor
    if recipient.pk != actor.pk and not (
        policies.is_staff_user(recipient) and policies.can_see(recipient, ticket)
    ):
        raise _invalid(
            "reminder.recipient_invalid",
            "recipient",
            _("Choose a colleague who can see this ticket."),
        )
    pending = Reminder.objects.filter(ticket=ticket, recipient=recipient, fired_at__isnull=True)
    if pending.count() >= REMINDERS_PER_TICKET:
        raise _invalid(
            "reminder.too_many",
            "remind_at",
            _("At most %(n)d pending reminders per ticket and person.")
            % {"n": REMINDERS_PER_TICKET},
        )
    with transaction.atomic():
        reminder = Reminder.objects.create(
            ticket=ticket, recipient=recipient, created_by=actor, remind_at=remind_at, note=note
        )
        data = {"reminder": reminder.pk, "recipient": recipient.pk, "at": when_label(remind_at)}
        changes.record(changes.reminder_created(ticket, actor=actor, data=data))
    return reminder


def reminder_cancel(*, actor: User, reminder: Reminder) -> None:
    """Delete a pending reminder (its creator, its recipient, or a supervisor/admin)."""
    require_staff(actor)
    allowed = actor.sees_all_tickets or actor.pk in (reminder.created_by_id, reminder.recipient_id)
    if not allowed:
        raise NotFound("reminder.not_found", _("Reminder not found."))
    with transaction.atomic():
        deleted, _rows = Reminder.objects.filter(pk=reminder.pk, fired_at__isnull=True).delete()
        if not deleted:
            raise Conflict("reminder.already_sent", _("This reminder was already sent."))
        changes.record(
            changes.reminder_cancelled(reminder.ticket, actor=actor, reminder_id=reminder.pk)
        )


# --- supervision (督办) --------------------------------------------------------------------------


def escalate_after() -> timedelta:
    """How long an overdue supervision waits before it goes to every supervisor (default 4 h)."""
    return timedelta(minutes=int(getattr(settings, "GONGDAN_SUPERVISION_ESCALATE_MINUTES", 240)))


def may_supervise(user: User) -> bool:
    return is_manager(user)


def require_supervisor(actor: User) -> None:
    """403 unless ``actor`` may open supervisions; entry points call it before looking up the
    ticket or team sent, so a refusal says nothing about which exist."""
    if not may_supervise(actor):
        raise Forbidden(
            "permission.supervisors_only", _("Only supervisors and admins open a supervision.")
        )


def responders(supervision: Supervision) -> list[User]:
    """Who must answer: the ticket's assignee and its team's lead; for a team, its lead and
    members."""
    people: list[User] = []
    if supervision.ticket_id:
        ticket = supervision.ticket
        assert ticket is not None
        if ticket.assignee_id and ticket.assignee is not None:
            people.append(ticket.assignee)
        if ticket.team_id and ticket.team is not None and ticket.team.lead is not None:
            people.append(ticket.team.lead)
    elif supervision.team is not None:
        team = supervision.team
        if team.lead is not None:
            people.append(team.lead)
        people += list(team.members.filter(is_active=True).exclude(role=Role.CUSTOMER))
    unique = {u.pk: u for u in people if u.is_active}
    return list(unique.values())


def supervision_payload(supervision: Supervision) -> dict[str, Any]:
    """What a notification about ``supervision`` carries (rendered when read)."""
    data: dict[str, Any] = {
        "supervision": supervision.pk,
        "subject": supervision.subject,
        "deadline": when_label(supervision.deadline),
    }
    if supervision.ticket is not None:
        data["number"] = supervision.ticket.number
        data["title"] = supervision.ticket.title
    return data


def may_respond(user: User, supervision: Supervision) -> bool:
    if not policies.is_staff_user(user):
        return False
    if supervision.ticket_id:
        ticket = supervision.ticket
        assert ticket is not None
        lead = ticket.team.lead_id if ticket.team_id and ticket.team else None
        return user.pk in (ticket.assignee_id, lead)
    team = supervision.team
    assert team is not None
    return user.pk == team.lead_id or Membership.objects.filter(team=team, user=user).exists()


def supervision_visibility(user: User) -> Q:
    """The supervisions ``user`` may see: supervisors and admins all; an agent those they must
    answer (assignee, team lead, member of a supervised team); customers none."""
    if not policies.is_staff_user(user):
        return Q(pk__in=[])
    if user.sees_all_tickets:
        return Q()
    my_teams = Membership.objects.filter(user=user).values("team_id")
    return (
        Q(ticket__assignee=user)
        | Q(ticket__team__lead=user)
        | Q(team__lead=user)
        | Q(team__in=my_teams)
    )


def _lock(supervision: Supervision) -> Supervision:
    return (
        Supervision.objects.select_for_update(of=("self",))
        .select_related("ticket__team__lead", "ticket__assignee", "team__lead", "created_by")
        .get(pk=supervision.pk)
    )


def _record(
    supervision: Supervision,
    kind: ChangeKind,
    actor: User | None,
    *,
    entry: dict[str, Any],
    audit: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    changes.record(
        changes.supervision_changed(
            supervision, kind, actor=actor, entry=entry, audit_data=audit or {}, payload=payload
        )
    )


def supervision_open(
    *,
    actor: User,
    requirements: str,
    deadline: datetime | None,
    ticket: Ticket | None = None,
    team: Team | None = None,
) -> Supervision:
    """A supervisor requires an answer on ``ticket`` (or from ``team``) by ``deadline``."""
    require_supervisor(actor)
    if (ticket is None) == (team is None):
        raise _invalid(
            "supervision.subject_required",
            "ticket",
            _("Choose either a ticket or a team."),
        )
    if ticket is not None:
        require_visible(actor, ticket)
        if ticket.status not in OPEN_STATUSES:
            raise _invalid(
                "supervision.ticket_not_open", "ticket", _("The ticket is no longer open.")
            )
    now = timezone.now()
    requirements = _text(requirements, "requirements", limit=TEXT_MAX, required=True)
    deadline = _future(deadline, "deadline", now)
    with transaction.atomic():
        supervision = Supervision.objects.create(
            ticket=ticket,
            team=team,
            requirements=requirements,
            deadline=deadline,
            created_by=actor,
            created_at=now,
            warn_at=now + (deadline - now) * WARN_SHARE,
        )
        _record(
            supervision,
            Kind.SUPERVISION_OPENED,
            actor,
            entry={"requirements": requirements, "deadline": when_label(deadline)},
            audit={"deadline": when_label(deadline)},
        )
    return supervision


def supervision_respond(*, actor: User, supervision: Supervision, response: str) -> Supervision:
    """The assignee or lead answers (again, if it was returned or not yet decided)."""
    if not may_respond(actor, supervision):
        raise Forbidden(
            "permission.not_responder",
            _("Only the assignee or the team lead answers this supervision."),
        )
    response = _text(response, "response", limit=TEXT_MAX, required=True)
    with transaction.atomic():
        supervision = _lock(supervision)
        if supervision.status not in ACTIVE_SUPERVISION:
            raise Conflict("supervision.closed", _("This supervision is already closed."))
        now = timezone.now()
        supervision.response = response
        supervision.responded_by = actor
        supervision.responded_at = now
        supervision.status = SupervisionStatus.RESPONDED
        supervision.version += 1
        supervision.save(
            update_fields=["response", "responded_by", "responded_at", "status", "version"]
        )
        _record(supervision, Kind.SUPERVISION_RESPONDED, actor, entry={"response": response})
    return supervision


def _close(supervision: Supervision, status: str, now: datetime) -> None:
    supervision.status = status
    supervision.closed_at = now
    supervision.warn_at = supervision.escalate_at = None
    supervision.version += 1
    supervision.save(
        update_fields=[
            "status",
            "closed_at",
            "warn_at",
            "escalate_at",
            "decision_note",
            "version",
        ]
    )


def supervision_decide(
    *, actor: User, supervision: Supervision, accept: bool, note: str = ""
) -> Supervision:
    """A supervisor accepts the answer (closed) or returns it with a reason (open again)."""
    if not may_supervise(actor):
        raise Forbidden(
            "permission.supervisors_only", _("Only supervisors and admins decide on an answer.")
        )
    note = _text(note, "note", limit=NOTE_MAX, required=not accept)
    with transaction.atomic():
        supervision = _lock(supervision)
        if supervision.status != SupervisionStatus.RESPONDED:
            raise Conflict(
                "supervision.not_answered",
                _("Only an answered, open supervision can be accepted or returned."),
            )
        now = timezone.now()
        supervision.decision_note = note
        if accept:
            _close(supervision, SupervisionStatus.ACCEPTED, now)
        else:
            supervision.status = SupervisionStatus.OPEN
            supervision.version += 1
            supervision.save(update_fields=["status", "decision_note", "version"])
        _record(
            supervision,
            Kind.SUPERVISION_ACCEPTED if accept else Kind.SUPERVISION_RETURNED,
            actor,
            entry={"note": note},
            audit={"note": note},
            payload={"decision": "accepted" if accept else "returned"},
        )
    return supervision


def supervision_cancel(*, actor: User, supervision: Supervision, note: str = "") -> Supervision:
    """Its opener (or an admin) withdraws an active supervision."""
    if not may_supervise(actor) or (
        not has_role(actor, Role.ADMIN) and actor.pk != supervision.created_by_id
    ):
        raise Forbidden(
            "permission.not_opener", _("Only who opened the supervision (or an admin) cancels it.")
        )
    note = _text(note, "note", limit=NOTE_MAX, required=False)
    with transaction.atomic():
        supervision = _lock(supervision)
        if supervision.status not in ACTIVE_SUPERVISION:
            raise Conflict("supervision.closed", _("This supervision is already closed."))
        supervision.decision_note = note
        _close(supervision, SupervisionStatus.CANCELLED, timezone.now())
        _record(
            supervision,
            Kind.SUPERVISION_CANCELLED,
            actor,
            entry={"note": "cancelled"},
            audit={"note": note},
        )
    return supervision


def close_for_ticket(ticket: Ticket, *, actor: User | None) -> int:
    """The supervised ticket was resolved, closed, cancelled or merged: close its supervisions
    (called inside the ticket service's transaction)."""
    active = list(
        Supervision.objects.select_for_update()
        .filter(ticket=ticket, status__in=ACTIVE_SUPERVISION)
        .select_related("ticket")
    )
    now = timezone.now()
    for supervision in active:
        _close(supervision, SupervisionStatus.CLOSED, now)
        status = {"status": ticket.status}
        _record(supervision, Kind.SUPERVISION_CLOSED, actor, entry=status, audit=status)
    return len(active)
