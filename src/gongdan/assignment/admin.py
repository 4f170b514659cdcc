"""Smart assignment in the admin: skill requirements (saved through ``audit.config``); rules
and team settings are edited in the workspace and the API through their services, so they and
the computed rows are read-only here."""

from __future__ import annotations

from django.contrib import admin

from gongdan.assignment.models import (
    AgentPerformance,
    AssignmentRule,
    PendingAssignment,
    RoundRobinCursor,
    RuleSkill,
    SkillRequirement,
    TeamAssignment,
)
from gongdan.audit.admin import AuditedAdmin
from gongdan.core.admin import ReadOnlyAdmin


class RuleSkillInline(admin.TabularInline):
    model = RuleSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "position",
        "is_active",
        "team",
        "ticket_type",
        "category",
        "channel",
        "weight_skills",
        "weight_workload",
        "weight_priority",
        "weight_location",
        "weight_performance",
        "weight_round_robin",
        "max_radius_km",
    ]
    list_filter = ["is_active", "team"]
    search_fields = ["name"]
    inlines = [RuleSkillInline]


@admin.register(SkillRequirement)
class SkillRequirementAdmin(AuditedAdmin):
    list_display = ["skill", "min_level", "ticket_type", "category"]
    list_filter = ["ticket_type"]
    autocomplete_fields = ["skill"]


@admin.register(TeamAssignment)
class TeamAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["team", "auto_assign", "on_unavailable"]


@admin.register(AgentPerformance)
class AgentPerformanceAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "category",
        "tickets",
        "resolution_rate",
        "avg_resolution_seconds",
        "reopen_rate",
        "computed_at",
    ]
    list_select_related = ["user", "category"]


@admin.register(PendingAssignment)
class PendingAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "queued_at", "attempts", "last_attempt_at", "lead_notified_at"]
    list_select_related = ["ticket"]


@admin.register(RoundRobinCursor)
class RoundRobinCursorAdmin(ReadOnlyAdmin):
    list_display = ["key", "last_user", "turns", "updated_at"]
