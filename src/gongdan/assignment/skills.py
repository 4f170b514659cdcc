"""Writing skills and agents' levels in them: validated here once, for the workspace pages and
the API alike; audited. Skills are the whole desk's (supervisors and admins); an agent's levels
belong to whoever manages the agent (supervisors, admins, a lead of one of the agent's teams)."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from gongdan.accounts.models import AgentProfile, AgentSkill, Skill, User
from gongdan.assignment import engine, policies
from gongdan.audit.services import audit_record
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed

CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
LEVELS = (1, 5)


def _require_manager(actor: User) -> None:
    if not policies.is_manager(actor):
        raise Forbidden("permission.denied", _("Only supervisors and admins manage skills."))


def skill_list(*, user: User) -> QuerySet[Skill]:
    """Every skill with how many agents have it (supervisors and admins)."""
    _require_manager(user)
    return Skill.objects.annotate(agents=Count("agentskill")).order_by("code")


def skill_get(*, user: User, pk: int) -> Skill:
    skill = skill_list(user=user).filter(pk=pk).first()
    if skill is None:
        raise NotFound("assignment.skill_not_found", _("Skill not found."))
    return skill


def _check_skill(code: str, name: str, name_en: str, pk: int | None) -> None:
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("This field is required.")
    elif len(code) > 50 or not CODE.match(code):
        errors["code"] = _(
            "Use at most 50 letters, digits, hyphens or underscores (it is the skill's key in "
            "rules and in the API)."
        )
    elif Skill.objects.filter(code=code).exclude(pk=pk or 0).exists():
        errors["code"] = _("Another skill already has this code.")
    if not name.strip():
        errors["name"] = _("This field is required.")
    elif len(name) > 100:
        errors["name"] = _("Ensure this value has at most %(max)d characters.") % {"max": 100}
    if len(name_en) > 100:
        errors["name_en"] = _("Ensure this value has at most %(max)d characters.") % {"max": 100}
    if errors:
        raise ValidationFailed(
            "assignment.invalid_skill", _("Please correct the highlighted fields."), fields=errors
        )


def skill_create(*, actor: User, code: str, name: str, name_en: str = "") -> Skill:
    _require_manager(actor)
    code, name, name_en = code.strip(), name.strip(), name_en.strip()
    _check_skill(code, name, name_en, None)
    with transaction.atomic():
        skill = Skill.objects.create(code=code, name=name, name_en=name_en)
        audit_record(actor=actor, action="skill.created", obj=skill, data={"code": code})
    engine.invalidate()
    return skill


def skill_update(*, actor: User, pk: int, **changes: Any) -> Skill:
    """Change a skill's code, name or English name (the fields given)."""
    skill = skill_get(user=actor, pk=pk)
    values = {
        k: str(changes.get(k, getattr(skill, k)) or "").strip() for k in ("code", "name", "name_en")
    }
    _check_skill(values["code"], values["name"], values["name_en"], skill.pk)
    with transaction.atomic():
        for name, value in values.items():
            setattr(skill, name, value)
        skill.save(update_fields=list(values))
        audit_record(actor=actor, action="skill.updated", obj=skill, data=values)
    engine.invalidate()
    return skill


def skill_delete(*, actor: User, pk: int) -> None:
    """Delete a skill; the agents' levels and the requirements in it go with it."""
    skill = skill_get(user=actor, pk=pk)
    with transaction.atomic():
        audit_record(actor=actor, action="skill.deleted", obj=skill, data={"code": skill.code})
        skill.delete()
    engine.invalidate()


def _manageable(actor: User, user: User) -> None:
    if not policies.may_set_availability(actor, user):
        raise NotFound("agent.not_found", _("Agent not found."))
    if not policies.may_manage_agent(actor, user):
        raise Forbidden("permission.denied", _("Only the team lead or a supervisor may do this."))


def agent_skills(user: User) -> list[AgentSkill]:
    return list(
        AgentSkill.objects.filter(profile__user=user)
        .select_related("skill")
        .order_by("skill__code")
    )


def agent_skill_set(*, actor: User, user: User, skill: str, level: Any) -> AgentSkill:
    """Give ``user`` the skill with code ``skill`` at ``level`` (1–5), or change the level."""
    _manageable(actor, user)
    errors: dict[str, str] = {}
    row = Skill.objects.filter(code=str(skill or "").strip()).first()
    if row is None:
        errors["skill"] = _("Unknown skill “%(code)s”.") % {"code": skill}
    try:
        number = int(level)
    except (TypeError, ValueError):
        number = 0
    if not LEVELS[0] <= number <= LEVELS[1] or isinstance(level, bool):
        errors["level"] = _("A skill level is between 1 and 5.")
    if errors or row is None:
        raise ValidationFailed(
            "assignment.invalid_skill_level",
            _("Please correct the highlighted fields."),
            fields=errors,
        )
    try:
        with transaction.atomic():
            profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=user)
            entry, _new = AgentSkill.objects.update_or_create(
                profile=profile, skill=row, defaults={"level": number}
            )
            audit_record(
                actor=actor,
                action="agent.skill_set",
                obj=user,
                data={"skill": row.code, "level": number},
            )
    except IntegrityError as exc:  # deleted meanwhile
        raise NotFound("assignment.skill_not_found", _("Skill not found.")) from exc
    return entry


def agent_skill_remove(*, actor: User, user: User, skill: str) -> None:
    _manageable(actor, user)
    with transaction.atomic():
        deleted, _rows = AgentSkill.objects.filter(profile__user=user, skill__code=skill).delete()
        if not deleted:
            raise NotFound("assignment.skill_not_found", _("Skill not found."))
        audit_record(actor=actor, action="agent.skill_removed", obj=user, data={"skill": skill})
