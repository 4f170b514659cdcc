"""API shapes of smart assignment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from gongdan.accounts.choices import Availability
from gongdan.assignment.models import AssignmentRule
from gongdan.assignment.presenters import reason_label
from gongdan.core.api_support import InputSchema
from gongdan.tickets.schemas import TicketOut

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class PreviewIn(InputSchema):
    ticket: str = Field(min_length=1, max_length=32, description="The ticket's number.")
    latitude: Latitude | None = Field(default=None, description="Service place (dry run).")
    longitude: Longitude | None = None


class ScoreOut(Schema):
    user_id: int
    name: str
    total: float
    parts: dict[str, float] = Field(description="Weighted points per strategy.")
    load: float
    capacity: float
    distance_km: float | None


class PassedOut(Schema):
    user_id: int
    name: str
    reason: str = Field(description="at_capacity, lacks_skill, offline, away, on_leave, …")
    reason_label: str
    detail: str

    @staticmethod
    def resolve_reason_label(obj: Any) -> str:
        return reason_label(obj.reason)


class DecisionOut(Schema):
    agent_id: int | None = Field(description="Who would get the ticket (null: nobody).")
    agent_name: str
    rule_id: int | None
    rule_name: str
    weights: dict[str, int]
    candidates: list[ScoreOut] = Field(description="Eligible agents, best first.")
    passed: list[PassedOut] = Field(description="Agents passed over, with the reason.")


class RuleSkillIO(Schema):
    skill: str = Field(min_length=1, max_length=50, description="The skill's code.")
    min_level: int = Field(default=1)


class RuleFields(InputSchema):
    position: int | None = Field(default=None, ge=0, le=1_000_000)
    is_active: bool | None = None
    team: int | None = None
    ticket_type: int | None = None
    category: int | None = None
    channel: str | None = Field(default=None, max_length=16)
    organization: int | None = None
    weight_skills: int | None = None
    weight_workload: int | None = None
    weight_priority: int | None = None
    weight_location: int | None = None
    weight_performance: int | None = None
    weight_round_robin: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    max_radius_km: int | None = None
    skills: list[RuleSkillIO] | None = None


class RuleIn(RuleFields):
    name: str = Field(min_length=1, max_length=100)


class RulePatch(RuleFields):
    name: str | None = Field(default=None, min_length=1, max_length=100)


class RuleOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool
    team: int | None = Field(validation_alias="team_id")
    ticket_type: int | None = Field(validation_alias="ticket_type_id")
    category: int | None = Field(validation_alias="category_id")
    channel: str
    organization: int | None = Field(validation_alias="organization_id")
    weight_skills: int
    weight_workload: int
    weight_priority: int
    weight_location: int
    weight_performance: int
    weight_round_robin: int
    latitude: float | None
    longitude: float | None
    max_radius_km: int | None
    skills: list[RuleSkillIO]

    @staticmethod
    def resolve_skills(obj: AssignmentRule) -> list[dict[str, Any]]:
        return [{"skill": rs.skill.code, "min_level": rs.min_level} for rs in obj.skills.all()]


class TakeNextIn(InputSchema):
    team: int | None = Field(default=None, description="Only this team's queue (one of yours).")


class TakeNextOut(Schema):
    ticket: TicketOut | None = Field(description="The ticket you now own (null: queue empty).")


class AgentOut(Schema):
    user_id: int
    username: str
    name: str
    availability: Availability
    on_leave_until: datetime | None
    capacity: int
    load: float = Field(description="Open tickets weighted by priority (urgent 4 … low 0.5).")
    seniority: int
    location_name: str
    latitude: float | None
    longitude: float | None
    current_latitude: float | None
    current_longitude: float | None
    located_at: datetime | None


class AgentPatch(InputSchema):
    availability: Availability | None = None
    on_leave_until: datetime | None = None
    capacity: int | None = Field(default=None, ge=0, le=500)
    seniority: int | None = Field(default=None, ge=0, le=60)
    location_name: str | None = Field(default=None, max_length=200)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    current_latitude: Latitude | None = None
    current_longitude: Longitude | None = None


class SkillOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    agents: int = Field(description="How many agents have the skill (any level).")


class SkillIn(InputSchema):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=100)


class SkillPatch(InputSchema):
    code: str | None = Field(default=None, min_length=1, max_length=50)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, max_length=100)


class AgentSkillIn(InputSchema):
    level: int = Field(description="1 (novice) to 5 (expert).")


class AgentSkillOut(Schema):
    skill: str = Field(description="The skill's code.")
    name: str
    level: int
