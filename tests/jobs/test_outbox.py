"""Outbox dispatch: every event to every subscriber exactly once, through crashes and failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gongdan.core.events import emit
from gongdan.core.models import OutboxEvent
from gongdan.jobs import outbox
from gongdan.jobs.models import FailedTask, OutboxDelivery

calls: list[tuple[str, int]] = []


def _effect(event: OutboxEvent, name: str) -> None:
    """A database effect: it commits with the delivery, or not at all."""
    calls.append((name, event.pk))
    OutboxEvent.objects.create(event_type="test.effect", payload={"by": name, "of": event.pk})


@pytest.fixture
def subs(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bool]]:
    """Two test subscribers of ``test.ping``; ``broken["b"] = True`` makes the second raise."""
    broken = {"b": False}
    calls.clear()

    def a(event: OutboxEvent) -> None:
        _effect(event, "a")

    def b(event: OutboxEvent) -> None:
        _effect(event, "b")
        if broken["b"]:
            raise RuntimeError("b is broken")

    monkeypatch.setitem(
        outbox._subscribers, "test.a", outbox.Subscriber("test.a", frozenset({"test.ping"}), a)
    )
    monkeypatch.setitem(
        outbox._subscribers, "test.b", outbox.Subscriber("test.b", frozenset({"test.ping"}), b)
    )
    yield broken


def _effects() -> list[tuple[str, int]]:
    return sorted(
        (e.payload["by"], e.payload["of"])
        for e in OutboxEvent.objects.filter(event_type="test.effect")
    )


def test_each_event_reaches_each_subscriber_once_however_often_dispatch_runs(
    db: None, subs: dict[str, bool]
) -> None:
    events = [emit("test.ping", n=n) for n in range(3)]

    outbox.dispatch_outbox()
    outbox.dispatch_outbox()
    for event in events:  # a stale second consumer holding old copies of the rows
        outbox.dispatch_event(event)

    assert _effects() == sorted((name, e.pk) for e in events for name in ("a", "b"))
    assert OutboxEvent.objects.filter(pk__in=[e.pk for e in events], processed_at=None).count() == 0


def test_two_claims_never_share_a_row(db: None) -> None:
    for n in range(10):
        emit("test.nobody", n=n)

    first = outbox.claim_batch(limit=6)
    second = outbox.claim_batch(limit=6)

    assert len(first) == 6 and len(second) == 4
    assert not {e.pk for e in first} & {e.pk for e in second}
    assert outbox.claim_batch() == []


def test_a_crashed_consumers_claim_expires_and_the_work_is_done_once(
    db: None, subs: dict[str, bool]
) -> None:
    event = emit("test.ping")
    crashed = outbox.claim_batch()  # claimed, then the process died before delivering
    assert [e.pk for e in crashed] == [event.pk]
    assert outbox.dispatch_outbox() == 0  # still claimed: nobody else takes it

    OutboxEvent.objects.filter(pk=event.pk).update(
        available_at=timezone.now() - timedelta(seconds=1)
    )
    outbox.dispatch_outbox()

    event.refresh_from_db()
    assert event.processed_at is not None
    assert _effects() == [("a", event.pk), ("b", event.pk)]


def test_a_failing_subscriber_backs_off_without_repeating_the_others(
    db: None, subs: dict[str, bool]
) -> None:
    subs["b"] = True
    event = emit("test.ping")

    outbox.dispatch_outbox()

    event.refresh_from_db()
    assert event.processed_at is None and event.attempts == 1
    assert "b is broken" in event.last_error
    assert event.available_at is not None and event.available_at > timezone.now()
    assert _effects() == [("a", event.pk)]  # b's effect rolled back with its delivery
    assert list(
        OutboxDelivery.objects.filter(event=event).values_list("subscriber", flat=True)
    ) == ["test.a"]

    subs["b"] = False
    OutboxEvent.objects.filter(pk=event.pk).update(available_at=timezone.now())
    outbox.dispatch_outbox()

    assert _effects() == [("a", event.pk), ("b", event.pk)]
    assert [name for name, _pk in calls].count("a") == 1


def test_backoff_grows_and_is_capped() -> None:
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert outbox.backoff(30).total_seconds() == outbox.BACKOFF_MAX_SECONDS


def test_a_subscriber_that_keeps_failing_becomes_a_failed_task_an_admin_can_retry(
    world, db: None, subs: dict[str, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongdan.jobs.services import failed_task_retry

    subs["b"] = True
    event = emit("test.ping")
    for _ in range(outbox.MAX_ATTEMPTS):
        OutboxEvent.objects.filter(pk=event.pk).update(available_at=None)
        outbox.dispatch_outbox()

    event.refresh_from_db()
    assert event.processed_at is not None  # closed: it no longer blocks anything
    failed = FailedTask.objects.get()
    assert (failed.task_name, failed.args, failed.attempts) == ("outbox:test.b", [event.pk], 8)
    assert "RuntimeError" in failed.error and "b is broken" in failed.traceback

    subs["b"] = False  # the fix is deployed
    failed_task_retry(actor=world.admin, failed=failed)

    failed.refresh_from_db()
    assert failed.state == FailedTask.State.RETRIED and failed.handled_by == world.admin
    assert _effects() == [("a", event.pk), ("b", event.pk)]


def test_the_same_subscriber_name_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        outbox.subscriber("x", name="notifications.assigned")(lambda event: None)


@pytest.fixture
def batch_sub(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A batch subscriber of ``test.ping``: records each call's event ids; an event whose
    payload has ``poison`` makes the call raise (after writing its effects, rolled back)."""
    state: dict[str, Any] = {"calls": []}
    calls.clear()

    def handle(events: list[OutboxEvent]) -> None:
        state["calls"].append([e.pk for e in events])
        for event in events:
            _effect(event, "batch")
        if any(e.payload.get("poison") for e in events):
            raise RuntimeError("poisoned")

    monkeypatch.delitem(outbox._subscribers, "test.batch", raising=False)
    outbox.batch_subscriber("test.ping", name="test.batch")(handle)
    yield state
    outbox._subscribers.pop("test.batch", None)


def test_a_batch_subscriber_gets_the_claimed_events_at_once_and_each_once(
    db: None, batch_sub: dict[str, Any]
) -> None:
    events = [emit("test.ping", n=n) for n in range(4)]

    outbox.dispatch_outbox()  # the pings, then the effects' own events (nobody's)
    outbox.dispatch_outbox()
    outbox.dispatch_event(events[1])  # a stale second consumer holding an old copy

    assert batch_sub["calls"] == [[e.pk for e in events]]
    assert _effects() == sorted(("batch", e.pk) for e in events)
    assert OutboxEvent.objects.filter(processed_at=None).count() == 0


def test_a_failing_batch_falls_back_to_one_event_at_a_time(
    db: None, batch_sub: dict[str, Any]
) -> None:
    good = [emit("test.ping", n=n) for n in range(3)]
    bad = emit("test.ping", poison=True)

    outbox.dispatch_outbox()

    # the batch rolled back, then each event alone: the good ones went through
    assert batch_sub["calls"][0] == [*(e.pk for e in good), bad.pk]
    assert batch_sub["calls"][1:] == [[e.pk] for e in [*good, bad]]
    assert _effects() == sorted(("batch", e.pk) for e in good)
    bad.refresh_from_db()
    assert bad.processed_at is None and bad.attempts == 1 and "poisoned" in bad.last_error
    assert OutboxDelivery.objects.filter(subscriber="test.batch").count() == 3


def test_a_delivery_already_made_is_left_out_of_the_batch(
    db: None, batch_sub: dict[str, Any]
) -> None:
    events = [emit("test.ping", n=n) for n in range(3)]
    OutboxDelivery.objects.create(event=events[1], subscriber="test.batch")

    outbox.dispatch_outbox()

    assert batch_sub["calls"] == [[events[0].pk, events[2].pk]]
