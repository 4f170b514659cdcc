"""The audit log, read-only (it is append-only by design), and the admin base class that makes
every other configuration page write through ``audit.config`` (validated, audited saves)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from gongdan.audit.config import config_delete, config_save
from gongdan.audit.models import AuditEvent
from gongdan.core.admin import ReadOnlyAdmin


class AuditedInlines:
    """Inline rows (added, changed, deleted) are saved through ``audit.config``."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        objects = formset.save(commit=False)
        for obj in formset.deleted_objects:
            config_delete(actor=request.user, obj=obj)
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        new = {id(obj) for obj in formset.new_objects}
        for obj in objects:
            config_save(
                actor=request.user,
                obj=obj,
                created=id(obj) in new,
                fields=list(changed.get(id(obj), [])),
            )
        formset.save_m2m()


class AuditedAdmin(AuditedInlines, admin.ModelAdmin):
    """A configuration page whose saves and deletes — form, list edits, inlines, bulk delete —
    go through ``audit.config`` instead of writing around it."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        config_save(actor=request.user, obj=obj, created=not change, fields=_fields(form))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        config_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            config_delete(actor=request.user, obj=obj)


class ReadOnlyInline:
    """An inline shown on another record's page but never written there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _fields(form: Any) -> list[str]:
    return list(getattr(form, "changed_data", []) or [])


def is_write_safe(model_admin: admin.ModelAdmin[Model]) -> bool:
    """True for admins that cannot write around the services (read-only or audited)."""
    return isinstance(model_admin, ReadOnlyAdmin | AuditedAdmin) or bool(
        getattr(model_admin, "writes_through_services", False)
    )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "action", "actor_label", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "actor_label", "object_id", "object_repr"]
    date_hierarchy = "occurred_at"
