"""Outbox dispatch: every event to every subscriber exactly once, through crashes and failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

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
