"""The outbox, read-only: rows are written by services and consumed by workers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongdan.core.models import OutboxEvent


def superusers_only(request: HttpRequest) -> bool:
    """The Django admin is a read-mostly fallback for superusers (gongdan's administrators);
    daily administration happens in the workspace's Settings pages."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "event_type", "created_at", "processed_at", "attempts", "last_error"]
    list_filter = ["event_type"]
    date_hierarchy = "created_at"
