"""Dispatching the outbox: every event to every subscriber of its type, exactly once.

Services write ``OutboxEvent`` rows in their own transaction (``core.events.emit``). A dispatch
pass (the ``dispatch_outbox`` job: kicked after each commit that emitted events, and run every
minute by the scheduler as a safety net) does this:

1. **Claim** a batch with one conditional UPDATE: unprocessed rows whose ``available_at`` is past
   get a fresh claim token and ``available_at = now + GONGDAN_OUTBOX_CLAIM_SECONDS`` (60); the
   batch is then read back by token. Two consumers never claim the same row; a consumer killed
   mid-batch loses nothing, because its claim expires and the rows are claimed again.
2. **Deliver**: for each subscriber of the event's type, in one transaction, insert the
   ``OutboxDelivery`` (event, subscriber) row, then run the handler. The unique pair makes the
   effect happen once even when a claim expired under a slow consumer; a handler that raises rolls
   its own delivery back and nothing else.
3. **Settle**: an event whose subscribers all succeeded is marked processed. A failing one is
   retried with exponential backoff (``available_at``); after ``MAX_ATTEMPTS`` the failure is kept
   as a ``FailedTask`` (visible to admins, retriable) and the event is closed.

Subscribers are plain functions registered with ``@subscriber("ticket.assigned", name=...)``;
they receive the event and must only write to the database (anything external goes through a
task of its own).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from gongdan.core.models import OutboxEvent
from gongdan.jobs.models import FailedTask, OutboxDelivery

logger = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 3600

Handler = Callable[[OutboxEvent], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    event_types: frozenset[str]
    handler: Handler


_subscribers: dict[str, Subscriber] = {}


def subscriber(*event_types: str, name: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for events of ``event_types`` under a stable ``name``.

    The name is stored with each delivery: renaming a subscriber makes it see old events again.
    """

    def register(handler: Handler) -> Handler:
        existing = _subscribers.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"outbox subscriber {name!r} is registered twice")
        _subscribers[name] = Subscriber(name, frozenset(event_types), handler)
        return handler

    return register


def subscribers_for(event_type: str) -> list[Subscriber]:
    return [s for s in _subscribers.values() if event_type in s.event_types]


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at an hour."""
    return timedelta(
        seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    )


def claim_batch(*, limit: int = BATCH) -> list[OutboxEvent]:
    """Claim up to ``limit`` due events for this pass (one conditional UPDATE), oldest first."""
    now = timezone.now()
    due = Q(processed_at__isnull=True) & (Q(available_at__isnull=True) | Q(available_at__lte=now))
    ids = list(OutboxEvent.objects.filter(due).order_by("id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4().hex
    claim_for = timedelta(seconds=int(getattr(settings, "GONGDAN_OUTBOX_CLAIM_SECONDS", 60)))
    OutboxEvent.objects.filter(due, id__in=ids).update(claim=token, available_at=now + claim_for)
    return list(OutboxEvent.objects.filter(claim=token, processed_at__isnull=True).order_by("id"))


def _deliver(event: OutboxEvent, sub: Subscriber) -> None:
    """Run one subscriber for one event, once: the delivery row and the effect commit together."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                OutboxDelivery.objects.create(event=event, subscriber=sub.name)
        except IntegrityError:
            return  # delivered already (another consumer, or before a crash)
        sub.handler(event)


def dispatch_event(event: OutboxEvent) -> bool:
    """Deliver ``event`` to each of its subscribers; True when it is settled (processed)."""
    errors: list[tuple[Subscriber, BaseException, str]] = []
    for sub in subscribers_for(event.event_type):
        try:
            _deliver(event, sub)
        except Exception as exc:
            logger.exception("outbox subscriber %s failed on event %s", sub.name, event.pk)
            errors.append((sub, exc, traceback.format_exc()))
    now = timezone.now()
    if not errors:
        OutboxEvent.objects.filter(pk=event.pk, claim=event.claim).update(
            processed_at=now, claim="", last_error=""
        )
        return True
    attempts = event.attempts + 1
    message = "; ".join(f"{sub.name}: {exc!r}" for sub, exc, _tb in errors)[:4000]
    if attempts < MAX_ATTEMPTS:
        OutboxEvent.objects.filter(pk=event.pk, claim=event.claim).update(
            attempts=F("attempts") + 1,
            last_error=message,
            available_at=now + backoff(attempts),
            claim="",
        )
        return False
    with transaction.atomic():
        for failed_sub, error, tb in errors:
            FailedTask.objects.create(
                task_name=f"outbox:{failed_sub.name}",
                args=[event.pk],
                error=repr(error)[:4000],
                traceback=tb,
                attempts=attempts,
            )
        OutboxEvent.objects.filter(pk=event.pk, claim=event.claim).update(
            attempts=attempts, last_error=message, processed_at=now, claim=""
        )
    return True


def dispatch_outbox(*, limit: int = BATCH, max_batches: int = 50) -> int:
    """Claim and dispatch due events until none are left (or ``max_batches``); returns the count."""
    done = 0
    for _ in range(max_batches):
        batch = claim_batch(limit=limit)
        if not batch:
            break
        for event in batch:
            dispatch_event(event)
            done += 1
    return done


def redeliver(*, event_id: int, subscriber_name: str) -> None:
    """Run one subscriber for one event again (an admin retrying a dead-lettered delivery)."""
    sub = _subscribers.get(subscriber_name)
    if sub is None:
        raise LookupError(f"no outbox subscriber named {subscriber_name!r}")
    event = OutboxEvent.objects.get(pk=event_id)
    _deliver(event, sub)


def skip_history(*, after_id: int) -> int:
    """Mark the unprocessed events after ``after_id`` as processed, delivering none of them.

    For loading history (``seed_demo``): the rows and their timelines are written through the
    services, but telling people about them now would be news of things that never happened to
    them — a flood of notifications and webhook calls. Whatever the subscribers would have kept
    (the search index) must be rebuilt by the caller. Returns the number of events skipped.
    """
    return OutboxEvent.objects.filter(pk__gt=after_id, processed_at__isnull=True).update(
        processed_at=timezone.now(), claim="", last_error="skipped: history"
    )
