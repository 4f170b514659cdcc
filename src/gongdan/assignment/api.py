"""/api/v1: smart assignment — preview, rules, agents' availability and load, take next."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team, User
from gongdan.assignment import rules, selectors, services, skills
from gongdan.assignment.engine import Decision
from gongdan.assignment.models import AssignmentRule
from gongdan.assignment.schemas import (
    AgentOut,
    AgentPatch,
    AgentSkillIn,
    AgentSkillOut,
    DecisionOut,
    PreviewIn,
    RuleIn,
    RuleOut,
    RulePatch,
    SkillIn,
    SkillOut,
    SkillPatch,
    TakeNextIn,
    TakeNextOut,
)
from gongdan.core.api_support import ERRORS, pick
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.customers.models import Organization
from gongdan.tickets.models import Category, TicketType
from gongdan.tickets.policies import is_staff_user
from gongdan.tickets.selectors import ticket_get

router = Router(tags=["assignment"])


def _decision(decision: Decision) -> dict[str, Any]:
    return {
        "agent_id": decision.agent_id,
        "agent_name": decision.agent_name,
        "rule_id": decision.rule_id,
        "rule_name": decision.rule_label,
        "weights": decision.weights,
        "candidates": decision.scored,
        "passed": decision.passed,
    }


@router.post(
    "/assignment/preview", response={200: DecisionOut, **ERRORS}, operation_id="assignment_preview"
)
def assignment_preview(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    """Dry run: who would get the ticket now, every candidate's score and why others were passed
    over. Nothing changes. Staff of the ticket's team, supervisors and admins."""
    actor = api_user(request)
    ticket = ticket_get(user=actor, number=payload.ticket)
    if (payload.latitude is None) != (payload.longitude is None):
        message = _("Give both latitude and longitude, or neither.")
        raise ValidationFailed("validation_error", message, fields={"longitude": message})
    site = (payload.latitude, payload.longitude) if payload.latitude is not None else None
    decision = services.assignment_preview(actor=actor, ticket=ticket, site=site)  # type: ignore[arg-type]
    return _decision(decision)


def _rule_fields(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, int]] | None]:
    refs = {
        "team": Team.objects.all(),
        "ticket_type": TicketType.objects.all(),
        "category": Category.objects.all(),
        "organization": Organization.objects.all(),
    }
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key in refs:
            fields[key] = pick(refs[key], value, field=key)
        elif key != "skills":
            fields[key] = "" if key == "channel" and value is None else value
    skills = data.get("skills")
    # A PATCH's dump leaves out what was not sent, also inside a skill: the level defaults to 1.
    pairs = None if skills is None else [(s["skill"], s.get("min_level", 1)) for s in skills]
    return fields, pairs


def _rule_out(pk: int, actor: User) -> AssignmentRule:
    return rules.rule_list(user=actor).get(pk=pk)


@router.get(
    "/assignment/rules",
    response={200: list[RuleOut], **ERRORS},
    operation_id="assignment_rules_list",
)
def assignment_rules_list(request: HttpRequest) -> list[AssignmentRule]:
    """Every assignment rule in evaluation order (supervisors and admins)."""
    return list(rules.rule_list(user=api_user(request)))


@router.post(
    "/assignment/rules",
    response={201: RuleOut, **ERRORS},
    operation_id="assignment_rules_create",
)
def assignment_rules_create(request: HttpRequest, payload: RuleIn) -> Status[AssignmentRule]:
    """A new rule. Weights 0–10; a radius needs the service area's latitude and longitude;
    skills by code with a minimum level 1–5. Field errors come back as 422."""
    actor = api_user(request)
    rules.rule_list(user=actor)  # managers only, before any reference is looked up
    fields, skills = _rule_fields(payload.model_dump(exclude_none=True))
    rule = rules.rule_create(actor=actor, skills=skills, **fields)
    return Status(201, _rule_out(rule.pk, actor))


@router.patch(
    "/assignment/rules/{rule_id}",
    response={200: RuleOut, **ERRORS},
    operation_id="assignment_rules_update",
)
def assignment_rules_update(
    request: HttpRequest, rule_id: int, payload: RulePatch
) -> AssignmentRule:
    """Change the fields sent (null clears a scope field or the service area)."""
    actor = api_user(request)
    rules.rule_list(user=actor)
    data = payload.model_dump(exclude_unset=True)
    for name in ("name", "position", "is_active"):  # null clears scopes, not these
        if name in data and data[name] is None:
            message = _("This field is required.")
            raise ValidationFailed("validation_error", message, fields={name: message})
    fields, skills = _rule_fields(data)
    rules.rule_update(actor=actor, pk=rule_id, skills=skills, **fields)
    return _rule_out(rule_id, actor)


@router.delete(
    "/assignment/rules/{rule_id}",
    response={204: None, **ERRORS},
    operation_id="assignment_rules_delete",
)
def assignment_rules_delete(request: HttpRequest, rule_id: int) -> Status[None]:
    rules.rule_delete(actor=api_user(request), pk=rule_id)
    return Status(204, None)


@router.get(
    "/assignment/agents",
    response={200: list[AgentOut], **ERRORS},
    operation_id="assignment_agents_list",
)
def assignment_agents_list(request: HttpRequest, team: int | None = None) -> list[dict[str, Any]]:
    """Availability, load and capacity: yourself; a lead their teams; managers everyone."""
    return [_agent(p) for p in selectors.agent_list(user=api_user(request), team_id=team)]


def _agent(profile: Any) -> dict[str, Any]:
    return {
        "user_id": profile.user_id,
        "username": profile.user.username,
        "name": str(profile.user),
        **{
            f: getattr(profile, f)
            for f in (
                "availability",
                "on_leave_until",
                "capacity",
                "load",
                "seniority",
                "location_name",
                "latitude",
                "longitude",
                "current_latitude",
                "current_longitude",
                "located_at",
            )
        },
    }


@router.patch(
    "/assignment/agents/{user_id}",
    response={200: AgentOut, **ERRORS},
    operation_id="assignment_agents_update",
)
def assignment_agents_update(
    request: HttpRequest, user_id: int, payload: AgentPatch
) -> dict[str, Any]:
    """Switch availability or leave (the agent, their lead, managers); capacity, seniority and
    home location (lead, managers); current location (the agent too)."""
    actor = api_user(request)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("agent.not_found", _("Agent not found."))
    data = payload.model_dump(exclude_unset=True)
    status = {k: data.pop(k) for k in ("availability", "on_leave_until") if k in data}
    if status:
        services.availability_set(actor=actor, user=user, **status)
    if data:
        services.agent_update(actor=actor, user=user, **data)
    profile = selectors.agent_get(user=actor, user_id=user_id)
    if profile is None:
        raise NotFound("agent.not_found", _("Agent not found."))
    return _agent(profile)


@router.get(
    "/assignment/skills",
    response={200: list[SkillOut], **ERRORS},
    operation_id="assignment_skills_list",
)
def assignment_skills_list(request: HttpRequest) -> list[Any]:
    """Every skill with how many agents have it (supervisors and admins)."""
    return list(skills.skill_list(user=api_user(request)))


@router.post(
    "/assignment/skills",
    response={201: SkillOut, **ERRORS},
    operation_id="assignment_skills_create",
)
def assignment_skills_create(request: HttpRequest, payload: SkillIn) -> Status[Any]:
    """A new skill. The code (letters, digits, ``-``, ``_``) is unique; 422 with field errors."""
    actor = api_user(request)
    skill = skills.skill_create(actor=actor, **payload.model_dump())
    return Status(201, skills.skill_get(user=actor, pk=skill.pk))


@router.patch(
    "/assignment/skills/{skill_id}",
    response={200: SkillOut, **ERRORS},
    operation_id="assignment_skills_update",
)
def assignment_skills_update(request: HttpRequest, skill_id: int, payload: SkillPatch) -> Any:
    """Change a skill's code or names (the fields sent)."""
    actor = api_user(request)
    skills.skill_update(actor=actor, pk=skill_id, **payload.model_dump(exclude_none=True))
    return skills.skill_get(user=actor, pk=skill_id)


@router.delete(
    "/assignment/skills/{skill_id}",
    response={204: None, **ERRORS},
    operation_id="assignment_skills_delete",
)
def assignment_skills_delete(request: HttpRequest, skill_id: int) -> Status[None]:
    """Delete a skill with the agents' levels and the requirements in it."""
    skills.skill_delete(actor=api_user(request), pk=skill_id)
    return Status(204, None)


def _agent_user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("agent.not_found", _("Agent not found."))
    return user


@router.put(
    "/assignment/agents/{user_id}/skills/{code}",
    response={200: list[AgentSkillOut], **ERRORS},
    operation_id="assignment_agent_skills_set",
)
def assignment_agent_skills_set(
    request: HttpRequest, user_id: int, code: str, payload: AgentSkillIn
) -> list[dict[str, Any]]:
    """Give an agent a skill at a level 1–5, or change the level (their lead, supervisors,
    admins). Returns the agent's skills."""
    user = _agent_user(user_id)
    skills.agent_skill_set(actor=api_user(request), user=user, skill=code, level=payload.level)
    return _levels(user)


@router.delete(
    "/assignment/agents/{user_id}/skills/{code}",
    response={200: list[AgentSkillOut], **ERRORS},
    operation_id="assignment_agent_skills_delete",
)
def assignment_agent_skills_delete(
    request: HttpRequest, user_id: int, code: str
) -> list[dict[str, Any]]:
    """Take a skill away from an agent. Returns the agent's skills."""
    user = _agent_user(user_id)
    skills.agent_skill_remove(actor=api_user(request), user=user, skill=code)
    return _levels(user)


def _levels(user: User) -> list[dict[str, Any]]:
    return [
        {"skill": row.skill.code, "name": row.skill.name, "level": row.level}
        for row in skills.agent_skills(user)
    ]


@router.post(
    "/tickets/take-next", response={200: TakeNextOut, **ERRORS}, operation_id="tickets_take_next"
)
def tickets_take_next(request: HttpRequest, payload: TakeNextIn) -> dict[str, Any]:
    """Claim the most urgent unassigned ticket of your teams that you have the skills for
    (priority, then SLA due time, then age). Two agents at once never get the same ticket."""
    actor = api_user(request)
    if not is_staff_user(actor):  # before the team id is looked up
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))
    team = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            raise NotFound("team.not_found", _("Team not found."))
    ticket = services.take_next(actor=actor, team=team)
    return {"ticket": ticket}
