"""Bulk actions on a selection of tickets: the same services as single changes, one at a time.

``tickets_bulk_apply`` checks the action's parameters once (bad ones refuse the whole request,
nothing applied), then changes each ticket through the ticket services in its own transaction
and collects a per-ticket result: ``ok``, ``unchanged``, ``conflict`` (changed by someone else
since the caller's list was read: the version it sent is stale) or ``refused`` (with the
service's translated reason: not visible, a transition not allowed from the ticket's status, an
owner outside the ticket's team…). One ticket's refusal never stops the others.

Runs synchronously, at most :data:`BULK_MAX` tickets per request (each ticket costs what a
single change costs: 40–70 ms on SQLite and 110–150 ms on PostgreSQL on the loaded 2-core test
machine, bench/bulk_bench.py); larger selections are refused with a clear message
(``bulk.too_many``) rather than half applied. Apps add actions through
``tickets.hooks.bulk_actions`` (``BulkAction``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongdan.accounts.models import User
from gongdan.accounts.selectors import team_list, user_list
from gongdan.core.errors import Conflict, DomainError, ValidationFailed
from gongdan.tickets import selectors
from gongdan.tickets.choices import Priority, Status
from gongdan.tickets.hooks import BulkAction, bulk_actions
from gongdan.tickets.models import Ticket
from gongdan.tickets.services._common import clean_text, require_staff
from gongdan.tickets.services.relations import ticket_merge
from gongdan.tickets.services.tickets import ticket_assign, ticket_transition, ticket_update

logger = logging.getLogger(__name__)

#: Tickets one request may change (the workspace's "select all matching" stops here too).
BULK_MAX = 100
TAGS_MAX = 10


@dataclass
class BulkItem:
    number: str
    outcome: str  # "ok" | "unchanged" | "conflict" | "refused"
    code: str = ""
    message: str = ""


@dataclass
class BulkResult:
    action: str
    items: list[BulkItem] = field(default_factory=list)

    def _count(self, *outcomes: str) -> int:
        return sum(1 for item in self.items if item.outcome in outcomes)

    @property
    def applied(self) -> int:
        return self._count("ok", "unchanged")

    @property
    def failed(self) -> int:
        return self._count("conflict", "refused")

    @property
    def failures(self) -> list[BulkItem]:
        return [item for item in self.items if item.outcome in {"conflict", "refused"}]


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed("bulk.invalid_params", message, fields={name: message})


# --- the built-in actions: check the parameters once, then one service call per ticket -----------
def _clean_assign(actor: User, params: dict[str, Any]) -> dict[str, Any]:
    who = str(params.get("assignee", "")).strip()
    if who == "me":
        return {"assignee": actor}
    if who == "none":
        return {"assignee": None}
    user = user_list(user=actor).filter(pk=int(who)).first() if who.isdigit() else None
    if user is None or not user.is_staff_member:
        raise _invalid("assignee", _("Choose a member of staff, yourself or nobody."))
    return {"assignee": user}


def _apply_assign(actor: User, ticket: Ticket, p: dict[str, Any], version: int | None) -> object:
    return ticket_assign(
        actor=actor, ticket=ticket, assignee=p["assignee"], expected_version=version
    )


def _clean_status(actor: User, params: dict[str, Any]) -> dict[str, Any]:
    to = str(params.get("to", ""))
    if to not in Status.values:
        raise _invalid("to", _("Choose a status."))
    return {"to": to, "comment": clean_text(params.get("comment", ""), field="comment")}


def _apply_status(actor: User, ticket: Ticket, p: dict[str, Any], version: int | None) -> object:
    return ticket_transition(
        actor=actor, ticket=ticket, to=p["to"], comment=p["comment"], expected_version=version
    )


def _clean_priority(actor: User, params: dict[str, Any]) -> dict[str, Any]:
    priority = str(params.get("priority", ""))
    if priority not in Priority.values:
        raise _invalid("priority", _("Choose a priority."))
    return {"priority": priority}


def _apply_priority(actor: User, ticket: Ticket, p: dict[str, Any], version: int | None) -> object:
    return ticket_update(
        actor=actor, ticket=ticket, priority=p["priority"], expected_version=version
    )


def _clean_team(actor: User, params: dict[str, Any]) -> dict[str, Any]:
    team_id = str(params.get("team", "")).strip()
    if team_id == "none":
        return {"team": None}
    team = team_list(user=actor).filter(pk=int(team_id)).first() if team_id.isdigit() else None
    if team is None:
        raise _invalid("team", _("Choose a team."))
    return {"team": team}


def _apply_team(actor: User, ticket: Ticket, p: dict[str, Any], version: int | None) -> object:
    return ticket_update(actor=actor, ticket=ticket, team=p["team"], expected_version=version)


def _clean_tags(actor: User, params: dict[str, Any]) -> dict[str, Any]:
    raw = params.get("tags", [])
    names = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(names, list):
        names = []
    tags = list(dict.fromkeys(str(n).replace("\x00", "").strip() for n in names))
    tags = [t for t in tags if t]
    if not tags or len(tags) > TAGS_MAX or any(len(t) > 50 for t in tags):
        raise _invalid(
            "tags", _("Name 1 to %(max)d tags of at most 50 characters each.") % {"max": TAGS_MAX}
        )
    return {"tags": tags}


def _apply_tags(actor: User, ticket: Ticket, p: dict[str, Any], version: int | None) -> object:
    have = list(ticket.tags.order_by("name").values_list("name", flat=True))
    # Without a version from the caller, the one just read guards the read-then-write.
    return ticket_update(
        actor=actor,
        ticket=ticket,
        tags=list(dict.fromkeys([*have, *p["tags"]])),
        expected_version=version if version is not None else ticket.version,
    )


def _clean_merge(actor: User, params: dict[str, Any]) -> dict[str, Any]:
    number = str(params.get("target", "")).replace("\x00", "").strip()[:32]
    try:
        target = selectors.ticket_get(user=actor, number=number) if number else None
    except DomainError:
        target = None
    if target is None:
        raise _invalid("target", _("Enter the number of a ticket you can open to merge into."))
    return {"target": target}


def _apply_merge(actor: User, ticket: Ticket, p: dict[str, Any], version: int | None) -> object:
    if version is not None and ticket.version != version:
        raise _stale()
    return ticket_merge(actor=actor, source=ticket, target=p["target"])


def _stale() -> Conflict:
    return Conflict(
        "ticket.version_conflict",
        _("The ticket was changed by someone else since the list was loaded."),
    )


BUILTIN_ACTIONS: dict[str, BulkAction] = {
    a.name: a
    for a in [
        BulkAction("assign", gettext_lazy("Assign"), _clean_assign, _apply_assign),
        BulkAction("status", gettext_lazy("Change status"), _clean_status, _apply_status),
        BulkAction("priority", gettext_lazy("Change priority"), _clean_priority, _apply_priority),
        BulkAction("team", gettext_lazy("Move to team"), _clean_team, _apply_team),
        BulkAction("tags", gettext_lazy("Add tags"), _clean_tags, _apply_tags),
        BulkAction("merge", gettext_lazy("Merge into"), _clean_merge, _apply_merge),
    ]
}


def bulk_action_list() -> list[BulkAction]:
    """The built-in actions, then those apps registered (``hooks.bulk_actions``)."""
    extra = [a for a in bulk_actions if a.name not in BUILTIN_ACTIONS]
    return [*BUILTIN_ACTIONS.values(), *extra]


def _action(name: str) -> BulkAction:
    for action in bulk_action_list():
        if action.name == name:
            return action
    names = ", ".join(a.name for a in bulk_action_list())
    message = _("Unknown bulk action “%(name)s”. Choose one of: %(names)s.") % {
        "name": str(name)[:40],
        "names": names,
    }
    raise ValidationFailed("bulk.unknown_action", message, fields={"action": message})


def _numbers(numbers: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(str(n).replace("\x00", "").strip()[:32] for n in numbers))
    cleaned = [n for n in cleaned if n]
    if not cleaned:
        message = _("Select at least one ticket.")
        raise ValidationFailed("bulk.empty", message, fields={"numbers": message})
    if len(cleaned) > BULK_MAX:
        message = _(
            "Bulk actions change at most %(max)d tickets at a time; you selected %(count)d. "
            "Narrow the filters and apply it in parts."
        ) % {"max": BULK_MAX, "count": len(cleaned)}
        raise ValidationFailed("bulk.too_many", message, fields={"numbers": message})
    return cleaned


def _one(
    actor: User, action: BulkAction, number: str, params: dict[str, Any], version: int | None
) -> BulkItem:
    try:
        with transaction.atomic():
            ticket = selectors.ticket_get(user=actor, number=number)
            before = ticket.version
            changed = action.apply(actor, ticket, params, version)
    except Conflict as exc:
        return BulkItem(number, "conflict", exc.code, str(exc.message))
    except DomainError as exc:
        return BulkItem(number, "refused", exc.code, str(exc.message))
    same = isinstance(changed, Ticket) and changed.pk == ticket.pk and changed.version == before
    return BulkItem(number, "unchanged" if same else "ok")


def tickets_bulk_apply(
    *,
    actor: User,
    numbers: Iterable[str],
    action: str,
    params: Mapping[str, Any] | None = None,
    versions: Mapping[str, int] | None = None,
) -> BulkResult:
    """Apply ``action`` to each ticket of ``numbers`` through the ticket services.

    ``versions`` (number → the version the caller's list showed) turns a change made since into
    a ``conflict`` for that ticket. Raises ``ValidationFailed`` (nothing applied) for an unknown
    action (``bulk.unknown_action``), bad parameters (``bulk.invalid_params``), no tickets
    (``bulk.empty``) or more than :data:`BULK_MAX` (``bulk.too_many``).
    """
    require_staff(actor)
    chosen = _action(action)
    wanted = _numbers(numbers)
    cleaned = chosen.clean(actor, dict(params or {}))
    result = BulkResult(action=chosen.name)
    for number in wanted:
        version = (versions or {}).get(number)
        result.items.append(_one(actor, chosen, number, cleaned, version))
    logger.info(
        "bulk %s by %s: %d applied, %d failed",
        chosen.name,
        actor.pk,
        result.applied,
        result.failed,
    )
    return result
