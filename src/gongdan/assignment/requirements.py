"""Skill requirements of ticket types and categories (打印机 → 打印机维修 ≥ 3): read and replaced
as a whole, for the settings pages (and any API to come). Skills are the whole desk's, so
requirements are too: supervisors and administrators. A replacement validates every pair first
(known skill, level 1–5, no skill twice) and then writes all rows, an audit event and an outbox
event (``skill_requirements.set``) in one transaction; the engine's caches drop at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.accounts.models import Skill, User
from gongdan.assignment import engine, policies
from gongdan.assignment.models import SkillRequirement
from gongdan.audit.changes import Change, ChangeKind, record
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.tickets.models import Category, TicketType

REQUIREMENTS_SET = ChangeKind("skill_requirements.set")
Target = TicketType | Category


def _require_manager(actor: User) -> None:
    if not policies.is_manager(actor):
        raise Forbidden("permission.denied", _("Only supervisors and admins manage skills."))


def _filter(target: Target) -> dict[str, Any]:
    return {"ticket_type": target} if isinstance(target, TicketType) else {"category": target}


def requirements_of(*, user: User, target: Target) -> list[SkillRequirement]:
    _require_manager(user)
    rows = SkillRequirement.objects.filter(**_filter(target)).select_related("skill")
    return list(rows.order_by("skill__code"))


def requirements_set(
    *, actor: User, target: Target, requirements: list[tuple[str, int]]
) -> list[SkillRequirement]:
    """Make ``target``'s requirements exactly ``requirements`` (skill code, minimum level)."""
    _require_manager(actor)
    codes = [code for code, _level in requirements]
    known = {s.code: s for s in Skill.objects.filter(code__in=codes)}
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for i, (code, level) in enumerate(requirements):
        if code not in known:
            errors[f"skills.{i}.skill"] = _("Unknown skill “%(code)s”.") % {"code": code}
        elif code in seen:
            errors[f"skills.{i}.skill"] = _("This skill is required twice.")
        elif not isinstance(level, int) or not 1 <= level <= 5:
            errors[f"skills.{i}.min_level"] = _("A skill level is between 1 and 5.")
        seen.add(code)
    if errors:
        raise ValidationFailed(
            "assignment.invalid_requirement", next(iter(errors.values())), fields=errors
        )
    where = _filter(target)
    with transaction.atomic():
        SkillRequirement.objects.filter(**where).delete()
        # One by one (a handful of rows): each save signals the other processes' caches.
        rows = [
            SkillRequirement.objects.create(skill=known[code], min_level=level, **where)
            for code, level in requirements
        ]
        payload = {
            "target": "ticket_type" if isinstance(target, TicketType) else "category",
            "id": target.pk,
            "skills": [[code, level] for code, level in requirements],
        }
        record(Change(REQUIREMENTS_SET, target, actor, payload=payload))
    engine.invalidate()
    return rows
