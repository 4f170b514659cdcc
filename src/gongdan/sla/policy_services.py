"""SLA policies with their targets and escalation levels: reads and writes for the workspace
settings pages and the API alike.

Supervisors and administrators read policies (:func:`policy_list`, :func:`policy_get`); only
administrators create and change them. A write validates everything first — a unique name,
positive targets, escalation thresholds in strictly increasing order, known priorities and
references — and raises :class:`ValidationFailed` with every problem at once; then the policy,
its conditions and its levels are saved in one transaction with an audit event and an outbox
event (``sla_policy.created`` / ``sla_policy.updated``). Nothing is ever half-saved. Saves drop
the engine's per-process policy cache (``engine._rules.invalidate_on``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team
from gongdan.audit.changes import Change, ChangeKind, record
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.sla.models import BusinessCalendar, EscalationLevel, SlaPolicy
from gongdan.sla.policies import require_calendar_admin, require_calendar_reader
from gongdan.tickets.choices import Priority
from gongdan.tickets.models import Category, TicketType

POLICY_CREATED = ChangeKind("sla_policy.created")
POLICY_UPDATED = ChangeKind("sla_policy.updated")

NAME_MAX = 100
TARGET_MAX = 60 * 24 * 366  # a year of minutes: anything longer is a typo
TARGETS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
PLAIN_FIELDS = (
    "name",
    "position",
    "is_active",
    "business_time",
    *TARGETS,
    "remind_before_minutes",
)


@dataclass(frozen=True)
class LevelIn:
    """One escalation level as a page or the API hands it in."""

    after_minutes: int
    notify_assignee: bool = True
    notify_team_lead: bool = True
    notify_supervisors: bool = False
    raise_priority: bool = False
    move_to_team: Team | None = None


def policy_list(*, user: Any) -> QuerySet[SlaPolicy]:
    """Every policy in the engine's order, with calendar, levels and conditions (4 queries)."""
    require_calendar_reader(user)
    return SlaPolicy.objects.select_related("calendar").prefetch_related(
        Prefetch(
            "levels",
            queryset=EscalationLevel.objects.select_related("move_to_team").order_by(
                "after_minutes"
            ),
        ),
        "ticket_types",
        "categories",
    )


def policy_get(*, user: Any, pk: int) -> SlaPolicy:
    """One policy (supervisors and administrators); :class:`NotFound` when there is none."""
    policy = policy_list(user=user).filter(pk=pk).first()
    if policy is None:
        raise NotFound("sla_policy.not_found", _("SLA policy not found."))
    return policy


# --- validation ----------------------------------------------------------------------------------
def _minutes(value: Any, field: str, errors: dict[str, str], *, zero: bool = False) -> None:
    if value is None:
        return
    low = 0 if zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= TARGET_MAX:
        errors[field] = (
            _("Enter a whole number of minutes from 0 to %(max)d.")
            if zero
            else _("Enter a whole number of minutes from 1 to %(max)d.")
        ) % {"max": TARGET_MAX}


def _check_policy(values: dict[str, Any], pk: int | None, errors: dict[str, str]) -> None:
    name = values.get("name", "")
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Ensure this value has at most %(max)d characters.") % {"max": NAME_MAX}
    elif SlaPolicy.objects.filter(name__iexact=name).exclude(pk=pk or 0).exists():
        errors["name"] = _("Another SLA policy already has this name.")
    position = values.get("position", 100)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 32767:
        errors["position"] = _("Enter a whole number from 0 to 32767.")
    for target in TARGETS:
        _minutes(values.get(target), target, errors)
    _minutes(values.get("remind_before_minutes"), "remind_before_minutes", errors)
    if values.get("priorities") is not None:
        unknown = [p for p in values["priorities"] if p not in Priority.values]
        if unknown:
            errors["priorities"] = _("Unknown priority: %(value)s.") % {"value": ", ".join(unknown)}


def _check_levels(levels: Sequence[LevelIn], errors: dict[str, str]) -> None:
    previous: int | None = None
    for index, level in enumerate(levels):
        field = f"levels.{index}.after_minutes"
        after = level.after_minutes
        if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= TARGET_MAX:
            errors[field] = _("Enter a whole number of minutes from 0 to %(max)d.") % {
                "max": TARGET_MAX
            }
            continue
        if previous is not None and after <= previous:
            errors[field] = _(
                "Each escalation level must come later than the one before it "
                "(%(after)d minutes is not after %(previous)d)."
            ) % {"after": after, "previous": previous}
        previous = after


def _fail(errors: dict[str, str]) -> None:
    """422 with every problem: ``sla_policy.exists`` when the name is taken (clients may offer to
    rename), ``sla_policy.levels_invalid`` for levels, else ``sla_policy.invalid``."""
    if not errors:
        return
    if errors.get("name") == _("Another SLA policy already has this name."):
        code = "sla_policy.exists"
    elif all(key.startswith("levels.") for key in errors):
        code = "sla_policy.levels_invalid"
    else:
        code = "sla_policy.invalid"
    raise ValidationFailed(code, next(iter(errors.values())), fields=errors)


def _clean_text(values: dict[str, Any]) -> dict[str, Any]:
    if isinstance(values.get("name"), str):
        values["name"] = " ".join(values["name"].split())
    if values.get("priorities") is not None:
        values["priorities"] = list(dict.fromkeys(values["priorities"]))
    return values


# --- writes --------------------------------------------------------------------------------------
def _save_levels(policy: SlaPolicy, levels: Sequence[LevelIn]) -> None:
    """Make the policy's levels exactly ``levels``: a level at an unchanged time is updated in
    place (keeping its watchers), others are deleted or created."""
    existing = {lv.after_minutes: lv for lv in policy.levels.all()}
    wanted = {lv.after_minutes for lv in levels}
    EscalationLevel.objects.filter(policy=policy).exclude(after_minutes__in=wanted).delete()
    for level in levels:
        row = existing.get(level.after_minutes) or EscalationLevel(
            policy=policy, after_minutes=level.after_minutes
        )
        row.notify_assignee = level.notify_assignee
        row.notify_team_lead = level.notify_team_lead
        row.notify_supervisors = level.notify_supervisors
        row.raise_priority = level.raise_priority
        row.move_to_team = level.move_to_team
        row.save()


def _payload(policy: SlaPolicy, levels: Sequence[LevelIn] | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "policy": policy.pk,
        "name": policy.name,
        "is_active": policy.is_active,
        "calendar": policy.calendar.code if policy.calendar else None,
        **{target: getattr(policy, target) for target in TARGETS},
    }
    if levels is not None:
        data["levels"] = [lv.after_minutes for lv in levels]
    return data


def _set_conditions(
    policy: SlaPolicy,
    ticket_types: Iterable[TicketType] | None,
    categories: Iterable[Category] | None,
) -> None:
    if ticket_types is not None:
        policy.ticket_types.set(list(ticket_types))
    if categories is not None:
        policy.categories.set(list(categories))


def policy_create(
    *,
    actor: Any,
    name: str,
    calendar: BusinessCalendar | None = None,
    levels: Sequence[LevelIn] = (),
    ticket_types: Iterable[TicketType] | None = None,
    categories: Iterable[Category] | None = None,
    **values: Any,
) -> SlaPolicy:
    """A new policy (administrators) with its targets, conditions and escalation levels.

    ``values``: ``position``, ``is_active``, ``business_time``, ``first_response_minutes``,
    ``next_response_minutes``, ``resolution_minutes``, ``remind_before_minutes``,
    ``priorities`` (list), ``pause_statuses``. 422 ``sla_policy.exists`` for a name in use,
    ``sla_policy.levels_invalid`` for thresholds out of order, ``sla_policy.invalid`` otherwise.
    """
    require_calendar_admin(actor)
    values = _clean_text({**values, "name": name})
    errors: dict[str, str] = {}
    _check_policy(values, None, errors)
    _check_levels(levels, errors)
    _fail(errors)
    with transaction.atomic():
        policy = SlaPolicy.objects.create(calendar=calendar, **values)
        _set_conditions(policy, ticket_types, categories)
        _save_levels(policy, levels)
        record(Change(POLICY_CREATED, policy, actor, payload=_payload(policy, levels)))
    return policy


def policy_update(
    *,
    actor: Any,
    policy: SlaPolicy,
    levels: Sequence[LevelIn] | None = None,
    ticket_types: Iterable[TicketType] | None = None,
    categories: Iterable[Category] | None = None,
    **values: Any,
) -> SlaPolicy:
    """Change the fields given; ``levels`` (when given) replaces all levels, ``calendar`` None
    counts calendar time. Same checks as :func:`policy_create`; nothing is saved when one fails."""
    require_calendar_admin(actor)
    values = _clean_text(values)
    merged = {f: getattr(policy, f) for f in PLAIN_FIELDS} | values
    errors: dict[str, str] = {}
    _check_policy(merged, policy.pk, errors)
    if levels is not None:
        _check_levels(levels, errors)
    _fail(errors)
    changed = sorted(k for k, v in values.items() if getattr(policy, k) != v)
    with transaction.atomic():
        for key, value in values.items():
            setattr(policy, key, value)
        policy.save()
        _set_conditions(policy, ticket_types, categories)
        if levels is not None:
            _save_levels(policy, levels)
        payload = {**_payload(policy, levels), "changed": changed}
        record(Change(POLICY_UPDATED, policy, actor, payload=payload))
    return policy
