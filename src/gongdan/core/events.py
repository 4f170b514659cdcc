"""Writing domain events to the outbox, and running work after the transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from gongdan.core.models import OutboxEvent

logger = logging.getLogger(__name__)


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def emit(event_type: str, **payload: Any) -> OutboxEvent:
    """Append a domain event to the outbox; call inside the transaction that made the change.

    Once the transaction commits, a consumer is asked to dispatch it to its subscribers
    (``gongdan.jobs.outbox``); a rollback discards both the event and the request.
    """
    from gongdan.jobs.tasks import kick_outbox

    event = OutboxEvent.objects.create(event_type=event_type, payload=_jsonable(payload))
    transaction.on_commit(kick_outbox)
    return event


def emit_many(event_type: str, payloads: list[dict[str, Any]]) -> None:
    """Append several events of one type in one INSERT (sweeps); one dispatch kick on commit."""
    if not payloads:
        return
    from gongdan.core.orm import insert_rows
    from gongdan.jobs.tasks import kick_outbox

    insert_rows([OutboxEvent(event_type=event_type, payload=_jsonable(p)) for p in payloads])
    transaction.on_commit(kick_outbox)


def enqueue_on_commit(task: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue a background task once the current transaction commits (never for a rollback)."""
    transaction.on_commit(lambda: task(*args, **kwargs))
