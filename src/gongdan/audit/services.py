"""Writing the audit log. Call inside the transaction that makes the change."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import timezone

from gongdan.audit.models import AuditEvent


def audit_record(
    *, actor: Any, action: str, obj: Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one audit event for ``obj``; ``action`` is a stable dotted string."""
    event = audit_event(actor=actor, action=action, obj=obj, data=data)
    event.save()
    return event


def audit_record_many(events: list[AuditEvent]) -> None:
    """Append several events built with :func:`audit_event` in one statement (sweeps)."""
    from gongdan.core.orm import insert_rows

    insert_rows(events)


def audit_event(
    *, actor: Any, action: str, obj: Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """An unsaved audit event for ``obj`` (see :func:`audit_record`)."""
    occurred_at = timezone.now()
    payload = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))
    actor_id = getattr(actor, "pk", None)
    actor_label = str(actor)[:150] if actor is not None else ""
    content = json.dumps(
        [occurred_at.isoformat(), actor_id, action, obj._meta.label, str(obj.pk), payload],
        sort_keys=True,
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id
        if getattr(actor, "_meta", None) and actor._meta.label == "accounts.User"
        else None,
        actor_label=actor_label,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        data=payload,
        digest=hashlib.sha256(content.encode()).hexdigest(),
    )
