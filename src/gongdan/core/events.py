"""Writing domain events to the outbox, and running work after the transaction commits."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from gongdan.core.hooks import Hooks
from gongdan.core.models import OutboxEvent
from gongdan.core.orm import insert_rows

logger = logging.getLogger(__name__)

#: Called once a transaction that wrote outbox events commits: the job engine (``gongdan.jobs``,
#: which sits above ``core``) registers its dispatch kick here in ``JobsConfig.ready()``.
on_outbox_commit: Hooks[Callable[[], None]] = Hooks("core.events.on_outbox_commit")


def _kick() -> None:
    for kick in on_outbox_commit:
        kick()


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def emit(event_type: str, **payload: Any) -> OutboxEvent:
    """Append a domain event to the outbox; call inside the transaction that made the change.

    Once the transaction commits, a consumer is asked to dispatch it to its subscribers
    (``gongdan.jobs.outbox``, through :data:`on_outbox_commit`); a rollback discards both the
    event and the request.
    """
    event = OutboxEvent.objects.create(event_type=event_type, payload=_jsonable(payload))
    transaction.on_commit(_kick)
    return event


def emit_many(event_type: str, payloads: list[dict[str, Any]]) -> None:
    """Append several events of one type in one INSERT (sweeps); one dispatch kick on commit."""
    if not payloads:
        return
    insert_rows([OutboxEvent(event_type=event_type, payload=_jsonable(p)) for p in payloads])
    transaction.on_commit(_kick)


def enqueue_on_commit(task: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue a background task once the current transaction commits (never for a rollback)."""
    transaction.on_commit(lambda: task(*args, **kwargs))
