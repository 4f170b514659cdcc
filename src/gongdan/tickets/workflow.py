"""The ticket state machine: which moves are legal and who may make each.

new → assigned → in_progress ⇄ pending → resolved → closed; resolved → reopened (reason required)
→ in_progress; any open state → cancelled. ``STAFF`` moves are made by agents, supervisors and
admins; ``REQUESTER`` moves by the customer who asked (or their organization admin).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from gongdan.tickets.choices import OPEN_STATUSES, Status


class Side(StrEnum):
    STAFF = "staff"
    REQUESTER = "requester"


STAFF = frozenset({Side.STAFF})
BOTH = frozenset({Side.STAFF, Side.REQUESTER})

TRANSITIONS: dict[tuple[Status, Status], frozenset[Side]] = {
    (Status.NEW, Status.ASSIGNED): STAFF,
    (Status.NEW, Status.IN_PROGRESS): STAFF,
    (Status.ASSIGNED, Status.IN_PROGRESS): STAFF,
    (Status.IN_PROGRESS, Status.PENDING): STAFF,
    (Status.PENDING, Status.IN_PROGRESS): BOTH,
    (Status.ASSIGNED, Status.RESOLVED): STAFF,
    (Status.IN_PROGRESS, Status.RESOLVED): STAFF,
    (Status.PENDING, Status.RESOLVED): STAFF,
    (Status.REOPENED, Status.RESOLVED): STAFF,
    (Status.REOPENED, Status.IN_PROGRESS): STAFF,
    (Status.RESOLVED, Status.CLOSED): BOTH,
    (Status.RESOLVED, Status.REOPENED): BOTH,
    **{(s, Status.CANCELLED): BOTH for s in OPEN_STATUSES},
}

# Moves that must say why (the text becomes a public comment on the ticket).
REASON_REQUIRED = frozenset({Status.REOPENED, Status.CANCELLED})

# Moves that need someone to own the ticket; a staff actor takes it when nobody does.
NEEDS_ASSIGNEE = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED})


def allowed_targets(current: str, side: Side) -> list[Status]:
    """The statuses ``side`` may move a ticket in ``current`` to, in display order."""
    return [to for (frm, to), sides in TRANSITIONS.items() if frm == current and side in sides]


def check_transition(current: str, target: str, side: Side) -> str | None:
    """Return why the move is refused (a translated message), or None when it is allowed."""
    if target not in Status.values:
        return str(_("Unknown status “%(status)s”.") % {"status": target})
    if current == target:
        return str(_("The ticket is already %(status)s.") % {"status": Status(target).label})
    sides = TRANSITIONS.get((Status(current), Status(target)))
    if sides is None:
        return str(
            _("A ticket cannot move from %(old)s to %(new)s.")
            % {"old": Status(current).label, "new": Status(target).label}
        )
    if side not in sides:
        return str(
            _("You may not move this ticket from %(old)s to %(new)s.")
            % {"old": Status(current).label, "new": Status(target).label}
        )
    return None
