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

**Batch subscribers** (``@batch_subscriber(..., name=...)``) receive a list of events instead:
a dispatch pass hands each one all the events of the claimed batch it subscribes to, at once,
before the per-event deliveries, in one transaction with their delivery rows (events delivered
to it already are left out). Whatever fails there — the handler raising, or a delivery row
inserted meanwhile by another consumer — rolls the whole batch back, and those events then go
through the per-event path above (the handler called with a one-event list), with its retries,
backoff and ``FailedTask`` per event. So a batch handler must give the same result for a list
as for its events one by one (idempotent, order-free): at-least-once delivery and exactly-once
effects are the per-event path's.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable, Iterable
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
BatchHandler = Callable[[list[OutboxEvent]], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    event_types: frozenset[str]
    handler: Handler
    #: Set for a batch subscriber: the events of a claimed batch at once (``handler`` then
    #: calls it with one event, for the per-event path).
    batch_handler: BatchHandler | None = None


@dataclass(frozen=True)
class _One:
    """A batch handler called with one event (the per-event path of a batch subscriber)."""

    batch_handler: BatchHandler

    def __call__(self, event: OutboxEvent) -> None:
        self.batch_handler([event])


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


def batch_subscriber(*event_types: str, name: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register ``handler`` for lists of events of ``event_types`` (see the module's doc)."""

    def register(handler: BatchHandler) -> BatchHandler:
        existing = _subscribers.get(name)
        if existing is not None and existing.batch_handler is not handler:
            raise ValueError(f"outbox subscriber {name!r} is registered twice")
        _subscribers[name] = Subscriber(name, frozenset(event_types), _One(handler), handler)
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


def _deliver_batch(events: list[OutboxEvent], sub: Subscriber) -> None:
    """Run a batch subscriber once for ``events``: their delivery rows and the effect commit
    together; events it has had already (another consumer, or before a crash) are left out."""
    assert sub.batch_handler is not None
    with transaction.atomic():
        done = set(
            OutboxDelivery.objects.filter(
                event_id__in=[e.pk for e in events], subscriber=sub.name
            ).values_list("event_id", flat=True)
        )
        todo = [e for e in events if e.pk not in done]
        if todo:
            OutboxDelivery.objects.bulk_create(
                [OutboxDelivery(event=e, subscriber=sub.name) for e in todo]
            )
            sub.batch_handler(todo)


def deliver_batches(events: list[OutboxEvent]) -> dict[int, set[str]]:
    """Hand each batch subscriber all of ``events`` it subscribes to, at once. Returns, per
    event id, the subscribers that have it now; a batch that failed is rolled back and left to
    the per-event path (:func:`dispatch_event`)."""
    delivered: dict[int, set[str]] = {}
    for sub in _subscribers.values():
        if sub.batch_handler is None:
            continue
        mine = [e for e in events if e.event_type in sub.event_types]
        if len(mine) < 2:  # one event: the per-event path does the same
            continue
        try:
            _deliver_batch(mine, sub)
        except Exception:
            logger.warning(
                "outbox batch subscriber %s failed on %d events; delivering them one by one",
                sub.name,
                len(mine),
                exc_info=True,
            )
            continue
        for event in mine:
            delivered.setdefault(event.pk, set()).add(sub.name)
    return delivered


def dispatch_event(event: OutboxEvent, *, delivered: Iterable[str] = ()) -> bool:
    """Deliver ``event`` to each of its subscribers (but those named in ``delivered``: a batch
    had it); True when it is settled (processed)."""
    return _settle(event, _deliver_each(event, frozenset(delivered)))


Errors = list[tuple[Subscriber, BaseException, str]]


def _deliver_each(event: OutboxEvent, delivered: frozenset[str]) -> Errors:
    errors: Errors = []
    for sub in subscribers_for(event.event_type):
        if sub.name in delivered:
            continue
        try:
            _deliver(event, sub)
        except Exception as exc:
            logger.exception("outbox subscriber %s failed on event %s", sub.name, event.pk)
            errors.append((sub, exc, traceback.format_exc()))
    return errors


def _settle(event: OutboxEvent, errors: Errors) -> bool:
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
        delivered = deliver_batches(batch)
        settled: list[int] = []
        for event in batch:
            errors = _deliver_each(event, frozenset(delivered.get(event.pk, ())))
            if errors:
                _settle(event, errors)
            else:
                settled.append(event.pk)
            done += 1
        # the events that went through: one UPDATE (a batch shares its claim token)
        OutboxEvent.objects.filter(pk__in=settled, claim=batch[0].claim).update(
            processed_at=timezone.now(), claim="", last_error=""
        )
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
