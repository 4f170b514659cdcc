"""Writing assignment rules (admins and supervisors): validated, audited, cache dropped."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongdan.accounts.models import Skill, User
from gongdan.assignment import engine, policies
from gongdan.assignment.models import WEIGHT_MAX, AssignmentRule, RuleSkill
from gongdan.audit.services import audit_record
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.tickets.choices import Channel

WEIGHT_FIELDS = (
    "weight_skills",
    "weight_workload",
    "weight_priority",
    "weight_location",
    "weight_performance",
    "weight_round_robin",
)
PLAIN_FIELDS = (
    "name",
    "position",
    "is_active",
    "team",
    "ticket_type",
    "category",
    "channel",
    "organization",
    "latitude",
    "longitude",
    "max_radius_km",
    *WEIGHT_FIELDS,
)


def _require_manager(actor: User) -> None:
    if not policies.is_manager(actor):
        raise Forbidden("permission.denied", _("Only supervisors and admins manage rules."))


def rule_list(*, user: User) -> QuerySet[AssignmentRule]:
    """Every rule with its scope and skills (managers only)."""
    _require_manager(user)
    return AssignmentRule.objects.select_related(
        "team", "ticket_type", "category", "organization"
    ).prefetch_related("skills__skill")


def _check_number(
    errors: dict[str, str], name: str, value: Any, low: float, high: float
) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        errors[name] = _("Enter a number.")
        return None
    if not low <= number <= high:
        errors[name] = _("Enter a value between %(low)s and %(high)s.") % {"low": low, "high": high}
    return number


def _validate(rule: AssignmentRule, skills: list[tuple[str, int]] | None) -> list[RuleSkill]:
    errors: dict[str, str] = {}
    if not (rule.name or "").strip():
        errors["name"] = _("This field is required.")
    elif len(rule.name) > 100:
        errors["name"] = _("Ensure this value has at most %(max)d characters.") % {"max": 100}
    for name in WEIGHT_FIELDS:
        value = getattr(rule, name)
        if not isinstance(value, int) or not 0 <= value <= WEIGHT_MAX:
            errors[name] = _("A weight is between 0 and 10.")
    if rule.channel and rule.channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    rule.latitude = _check_number(errors, "latitude", rule.latitude, -90, 90)
    rule.longitude = _check_number(errors, "longitude", rule.longitude, -180, 180)
    if rule.max_radius_km is not None and not 1 <= rule.max_radius_km <= 5000:
        errors["max_radius_km"] = _("Enter a value between %(low)s and %(high)s.") % {
            "low": 1,
            "high": 5000,
        }
    no_centre = rule.latitude is None or rule.longitude is None
    if rule.max_radius_km is not None and no_centre and "max_radius_km" not in errors:
        errors["max_radius_km"] = _("A maximum distance needs the service area's location.")
    if (rule.latitude is None) != (rule.longitude is None):
        errors.setdefault("longitude", _("Give both latitude and longitude, or neither."))
    rows = _skills(skills or [], errors) if skills is not None else []
    if errors:
        raise ValidationFailed(
            "assignment.invalid_rule", _("Please correct the highlighted fields."), fields=errors
        )
    return rows


def _skills(skills: list[tuple[str, int]], errors: dict[str, str]) -> list[RuleSkill]:
    known = {s.code: s for s in Skill.objects.filter(code__in=[code for code, _l in skills])}
    rows = []
    seen: set[str] = set()
    for i, (code, level) in enumerate(skills):
        if code not in known:
            errors[f"skills.{i}.skill"] = _("Unknown skill “%(code)s”.") % {"code": code}
        elif code in seen:
            errors[f"skills.{i}.skill"] = _("The rule already requires this skill.")
        elif not 1 <= level <= 5:
            errors[f"skills.{i}.min_level"] = _("A skill level is between 1 and 5.")
        else:
            rows.append(RuleSkill(skill=known[code], min_level=level))
        seen.add(code)
    return rows


def _save(actor: User, rule: AssignmentRule, rows: list[RuleSkill] | None, action: str) -> None:
    with transaction.atomic():
        rule.save()
        if rows is not None:
            RuleSkill.objects.filter(rule=rule).delete()
            for row in rows:
                row.rule = rule
            RuleSkill.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action=action,
            obj=rule,
            data={
                "name": rule.name,
                "weights": engine.rule_weights(rule),
                "skills": [(r.skill.code, r.min_level) for r in rows or []],
            },
        )
    engine.invalidate()


def rule_create(
    *, actor: User, skills: list[tuple[str, int]] | None = None, **fields: Any
) -> AssignmentRule:
    """A new rule (managers). ``fields`` are model fields (references as rows); ``skills`` are
    ``(skill code, minimum level)``. Bad input: ``ValidationFailed`` with field errors."""
    _require_manager(actor)
    rule = AssignmentRule(**{k: v for k, v in fields.items() if k in PLAIN_FIELDS})
    rows = _validate(rule, skills or [])
    _save(actor, rule, rows, "assignment.rule_created")
    return rule


def rule_update(
    *, actor: User, pk: int, skills: list[tuple[str, int]] | None = None, **fields: Any
) -> AssignmentRule:
    """Change the given fields of rule ``pk`` (``skills`` None: unchanged)."""
    _require_manager(actor)
    rule = AssignmentRule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound("assignment.rule_not_found", _("Rule not found."))
    for name, value in fields.items():
        if name in PLAIN_FIELDS:
            setattr(rule, name, value)
    rows = _validate(rule, skills)
    _save(actor, rule, rows if skills is not None else None, "assignment.rule_updated")
    return rule


def rule_delete(*, actor: User, pk: int) -> None:
    _require_manager(actor)
    rule = AssignmentRule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound("assignment.rule_not_found", _("Rule not found."))
    with transaction.atomic():
        audit_record(
            actor=actor, action="assignment.rule_deleted", obj=rule, data={"name": rule.name}
        )
        rule.delete()
    engine.invalidate()
