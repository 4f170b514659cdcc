"""Saving configuration records edited in the back office (the Django admin), audited.

Configuration (ticket types, categories, SLA policies, assignment rules, channel settings …) has
no history of its own and no domain events, but who changed it must be known: every save and
delete made through the admin goes through these two functions, which validate, write and
record an audit event (``<model>.created`` / ``.changed`` / ``.deleted``, data: the fields and
``via: admin``) in one transaction. Domain records (tickets, contacts, users) never come here:
their admin pages are read-only or call their own services.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from gongdan.audit.changes import Change, ChangeKind, record


def _kind(obj: Model, verb: str) -> ChangeKind:
    return ChangeKind(f"{obj._meta.model_name}.{verb}", outbox=False)


def config_save(*, actor: Any, obj: Model, created: bool, fields: list[str]) -> Model:
    """Save ``obj`` (already validated by the admin's form) and audit it."""
    with transaction.atomic():
        obj.save()
        data = {"fields": sorted(fields), "via": "admin"}
        record(Change(_kind(obj, "created" if created else "changed"), obj, actor, audit_data=data))
    return obj


def config_delete(*, actor: Any, obj: Model) -> None:
    """Delete ``obj`` and audit it (the event keeps its id and name)."""
    with transaction.atomic():
        record(Change(_kind(obj, "deleted"), obj, actor, audit_data={"via": "admin"}))
        obj.delete()
