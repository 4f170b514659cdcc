"""SLA policies (with their escalation levels, saved through ``audit.config``) and, read-only,
the clocks on tickets."""

from __future__ import annotations

from django.contrib import admin

from gongdan.audit.admin import AuditedAdmin
from gongdan.core.admin import ReadOnlyAdmin
from gongdan.sla.models import EscalationLevel, SlaClock, SlaPolicy


class EscalationLevelInline(admin.TabularInline):
    model = EscalationLevel
    extra = 0
    filter_horizontal = ["add_watchers"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    list_display = [
        "name",
        "position",
        "is_active",
        "calendar",
        "business_time",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
    ]
    list_editable = ["position", "is_active"]
    filter_horizontal = ["organizations", "ticket_types", "categories"]
    inlines = [EscalationLevelInline]


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "target", "policy", "due_at", "met_at", "breached_at"]
    list_filter = ["target"]
    raw_id_fields = ["ticket"]
