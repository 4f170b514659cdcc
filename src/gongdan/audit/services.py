"""Writing the audit log. Call inside the transaction that makes the change."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import timezone

from gongdan.audit.models import AuditEvent
from gongdan.core.orm import insert_rows


def audit_record(
    *, actor: Any, action: str, obj: Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one audit event for ``obj``; ``action`` is a stable dotted string."""
    event = audit_event(actor=actor, action=action, obj=obj, data=data)
    event.save()
    return event


def audit_record_many(events: list[AuditEvent]) -> None:
    """Append several events built with :func:`audit_event` in one statement (sweeps)."""
    insert_rows(events)


def event_content(
    *,
    occurred_at: Any,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    data: Any,
) -> str:
    """The canonical text an event's ``digest`` is the SHA-256 of: every stored content column
    (the verifier recomputes it from the row; the id, position and previous link are bound by
    the chain's HMAC, ``chain.link``). The actor's id takes part as well as the name: an actor
    is never cleared (deleting a user leaves the id in place), so moving an event to another
    user is a change the verifier sees."""
    return json.dumps(
        [
            "v2",
            occurred_at.isoformat(),
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            object_repr,
            data,
        ],
        sort_keys=True,
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )


def event_digest(**content: Any) -> str:
    return hashlib.sha256(event_content(**content).encode()).hexdigest()


def audit_event(
    *, actor: Any, action: str, obj: Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """An unsaved audit event for ``obj`` (see :func:`audit_record`)."""
    content = {
        "occurred_at": timezone.now(),
        "actor_label": str(actor)[:150] if actor is not None else "",
        "action": action,
        "object_type": obj._meta.label,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:200],
        "data": json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False)),
    }
    is_user = getattr(actor, "_meta", None) and actor._meta.label == "accounts.User"
    content["actor_id"] = actor.pk if is_user else None
    return AuditEvent(digest=event_digest(**content), **content)
