"""The audit log, read-only (it is append-only by design)."""

from __future__ import annotations

from django.contrib import admin

from gongdan.audit.models import AuditEvent
from gongdan.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "action", "actor_label", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "actor_label", "object_id", "object_repr"]
    date_hierarchy = "occurred_at"
