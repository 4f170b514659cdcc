"""Outgoing webhooks: signed deliveries, internal notes, retries with backoff, auto-off."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from gongdan.channels.choices import DeliveryStatus, WebhookEvent
from gongdan.channels.models import WebhookDelivery, WebhookSubscription
from gongdan.channels.webhooks import services
from gongdan.channels.webhooks.signing import verify
from gongdan.core.events import emit
from gongdan.notifications.models import Notification
from gongdan.testing import World
from gongdan.tickets import services as tickets
from tests.channels.conftest import Server
from tests.channels.vendors import webhook_receiver

SECRET = "whsec_test_0123456789abcdef"


def _subscribe(world: World, server: Server, path: str = "/hook", **kw: Any) -> WebhookSubscription:
    sub, _secret = services.webhook_create(
        actor=world.admin,
        name=kw.pop("name", f"ERP {path}"),
        url=f"{server.url}{path}",
        event_types=kw.pop("event_types", list(WebhookEvent.values)),
        secret=kw.pop("secret", SECRET),
        **kw,
    )
    return sub


def test_a_new_ticket_is_posted_signed_and_versioned(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = webhook_receiver(SECRET)
    sub = _subscribe(world, server, event_types=[WebhookEvent.TICKET_CREATED])

    with live():
        ticket = world.ticket()

    seen = server.seen[0]
    body = seen.json()
    assert (body["version"], body["type"]) == (1, "ticket.created")
    assert body["id"].startswith("evt_") and body["created_at"]
    assert body["data"]["ticket"]["number"] == ticket.number
    assert body["data"]["ticket"]["url"].endswith(f"/desk/tickets/{ticket.number}/")
    assert seen.headers["X-Gongdan-Event"] == "ticket.created"
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert seen.headers["X-Gongdan-Delivery"] == str(delivery.delivery_id)
    assert verify(
        SECRET,
        seen.headers["X-Gongdan-Signature"],
        seen.body.decode(),
        now=int(timezone.now().timestamp()),
    )
    assert (delivery.status, delivery.status_code, delivery.attempt) == ("succeeded", 200, 1)
    assert delivery.duration_ms is not None and '"ok"' in delivery.response_excerpt


def test_a_receiver_with_another_secret_refuses_and_a_retry_is_planned(
    world: World, server: Server, live: Callable[[], Any], settings: Any
) -> None:
    settings.GONGDAN_WEBHOOK_RETRY_BASE = 30
    server.responder = webhook_receiver("whsec_the_receivers_own_secret")
    sub = _subscribe(world, server, event_types=[WebhookEvent.TICKET_CREATED])

    with live():
        world.ticket()

    first, second = WebhookDelivery.objects.filter(subscription=sub).order_by("id")
    assert (first.status, first.status_code) == (DeliveryStatus.FAILED, 401)
    assert (second.status, second.attempt) == (DeliveryStatus.PENDING, 2)
    assert second.delivery_id == first.delivery_id and second.body == first.body
    assert first.next_retry_at == second.scheduled_at
    assert 29 <= (second.scheduled_at - first.started_at).total_seconds() <= 31
    sub.refresh_from_db()
    assert sub.consecutive_failures == 1


def test_internal_notes_leave_only_for_subscriptions_that_opted_in(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = lambda seen: (200, {})
    _subscribe(world, server, "/public", event_types=[WebhookEvent.COMMENT_CREATED])
    _subscribe(
        world,
        server,
        "/internal",
        event_types=[WebhookEvent.COMMENT_CREATED],
        include_internal=True,
    )
    ticket = world.ticket()

    with live():
        tickets.comment_create(
            actor=world.agent, ticket=ticket, body="内部：疑似硬件故障", is_internal=True
        )
    with live():
        tickets.comment_create(
            actor=world.agent,
            ticket=ticket.__class__.objects.get(pk=ticket.pk),
            body="您好，已派工程师",
        )

    by_path: dict[str, list[str]] = {}
    for seen in server.seen:
        by_path.setdefault(seen.path, []).append(seen.json()["data"]["comment"]["body"])
    assert by_path["/public"] == ["您好，已派工程师"]
    assert by_path["/internal"] == ["内部：疑似硬件故障", "您好，已派工程师"]
    assert all("疑似硬件故障" not in s.body.decode() for s in server.seen if s.path == "/public")


def test_status_changes_and_sla_events_carry_their_details(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = lambda seen: (200, {})
    _subscribe(world, server)
    ticket = world.ticket()

    with live(), transaction.atomic():
        emit("ticket.status_changed", ticket=ticket.number, old="new", new="in_progress", actor=1)
        emit("sla.breached", ticket=ticket.number, target="resolution")

    bodies = {s.json()["type"]: s.json()["data"] for s in server.seen}
    assert (bodies["ticket.status_changed"]["old"], bodies["ticket.status_changed"]["new"]) == (
        "new",
        "in_progress",
    )
    assert bodies["sla.breached"]["target"] == "resolution"


def test_retries_back_off_exponentially_and_stop(
    world: World, server: Server, live: Callable[[], Any], settings: Any
) -> None:
    settings.GONGDAN_WEBHOOK_RETRY_BASE = 30
    settings.GONGDAN_WEBHOOK_MAX_ATTEMPTS = 4
    server.responder = lambda seen: (503, {"error": "maintenance"})
    sub = _subscribe(world, server, event_types=[WebhookEvent.TICKET_CREATED])
    with live():
        world.ticket()

    now = timezone.now()
    for _ in range(5):
        now += timedelta(hours=1)
        services.deliveries_retry_due(now=now)

    rows = list(WebhookDelivery.objects.filter(subscription=sub).order_by("attempt"))
    assert [r.attempt for r in rows] == [1, 2, 3, 4]
    assert all(r.status == DeliveryStatus.FAILED and r.status_code == 503 for r in rows)
    gaps = [(r.next_retry_at - r.started_at).total_seconds() for r in rows[:-1]]
    assert gaps == [30, 60, 120]
    assert rows[-1].next_retry_at is None
    assert len(server.seen) == 4


def test_a_success_resets_the_failure_count(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    answers = iter([500, 200])
    server.responder = lambda seen: (next(answers), {})
    sub = _subscribe(world, server, event_types=[WebhookEvent.TICKET_CREATED])
    with live():
        world.ticket()
    sub.refresh_from_db()
    assert sub.consecutive_failures == 1

    services.deliveries_retry_due(now=timezone.now() + timedelta(hours=1))

    sub.refresh_from_db()
    assert sub.consecutive_failures == 0
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 1


def test_consecutive_failures_switch_the_subscription_off_and_tell_admins(
    world: World, server: Server, live: Callable[[], Any], settings: Any
) -> None:
    settings.GONGDAN_WEBHOOK_DISABLE_AFTER = 3
    server.responder = lambda seen: (500, {})
    sub = _subscribe(world, server, event_types=[WebhookEvent.TICKET_CREATED])
    with live():
        world.ticket()
    services.deliveries_retry_due(now=timezone.now() + timedelta(hours=1))
    services.deliveries_retry_due(now=timezone.now() + timedelta(hours=2))

    sub.refresh_from_db()
    assert (sub.is_active, sub.consecutive_failures) == (False, 3)
    assert sub.disabled_at is not None
    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    note = Notification.objects.get(recipient=world.admin, kind="webhook.disabled")
    assert note.data["webhook_id"] == sub.pk
    assert (
        not Notification.objects.filter(kind="webhook.disabled")
        .exclude(recipient=world.admin)
        .exists()
    )

    with live():
        world.ticket()  # switched off: nothing more is queued
    assert WebhookDelivery.objects.filter(subscription=sub).count() == 3


def test_switching_back_on_clears_the_failures(world: World, server: Server) -> None:
    sub = _subscribe(world, server)
    WebhookSubscription.objects.filter(pk=sub.pk).update(
        is_active=False, disabled_at=timezone.now(), consecutive_failures=10
    )

    services.webhook_update(actor=world.admin, subscription_id=sub.pk, changes={"is_active": True})

    sub.refresh_from_db()
    assert (sub.is_active, sub.consecutive_failures, sub.disabled_at) == (True, 0, None)


def test_redelivery_sends_the_same_body_with_a_new_delivery_id(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = webhook_receiver(SECRET)
    sub = _subscribe(world, server, event_types=[WebhookEvent.TICKET_CREATED])
    with live():
        world.ticket()
    original = WebhookDelivery.objects.get(subscription=sub)

    with live():
        again = services.webhook_redeliver(
            actor=world.admin, subscription_id=sub.pk, delivery_pk=original.pk
        )

    again.refresh_from_db()
    assert (again.status, again.manual, again.event_id) == ("succeeded", True, original.event_id)
    assert again.delivery_id != original.delivery_id
    assert server.seen[0].body == server.seen[1].body
    assert server.seen[1].headers["X-Gongdan-Delivery"] == str(again.delivery_id)


def test_a_ping_reaches_the_endpoint(world: World, server: Server, live: Callable[[], Any]) -> None:
    server.responder = webhook_receiver(SECRET)
    sub = _subscribe(world, server)

    with live():
        delivery = services.webhook_ping(actor=world.admin, subscription_id=sub.pk)

    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    body = json.loads(server.seen[0].body)
    assert (body["type"], body["data"]["subscription"]["id"]) == ("ping", sub.pk)


def test_a_deleted_ticket_event_or_an_unreachable_host_never_raises(
    world: World, live: Callable[[], Any], settings: Any
) -> None:
    settings.GONGDAN_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # nothing listens on port 9
    sub, _ = services.webhook_create(
        actor=world.admin,
        name="down",
        url="http://127.0.0.1:9/nothing-listens-here",
        event_types=[WebhookEvent.TICKET_CREATED],
    )
    with live():
        world.ticket()

    first = WebhookDelivery.objects.filter(subscription=sub).order_by("id").first()
    assert first is not None and first.status == "failed" and first.status_code is None
    assert first.error


@pytest.mark.parametrize("secret", ["", "short"])
def test_secrets_are_generated_or_must_be_long_enough(world: World, secret: str) -> None:
    if not secret:
        sub, shown = services.webhook_create(
            actor=world.admin,
            name="n",
            url="https://erp.example.cn/h",
            event_types=["sla.breached"],
        )
        assert shown.startswith("whsec_") and sub.secret == shown
        return
    from gongdan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        services.webhook_create(
            actor=world.admin,
            name="n",
            url="https://erp.example.cn/h",
            event_types=["sla.breached"],
            secret=secret,
        )
    assert "secret" in caught.value.fields


def test_the_admins_notification_links_to_the_subscription(
    world: World, server: Server, live: Callable[[], Any], settings: Any
) -> None:
    settings.GONGDAN_WEBHOOK_DISABLE_AFTER = 1
    server.responder = lambda seen: (500, {})
    sub = _subscribe(world, server, name="财务系统", event_types=[WebhookEvent.TICKET_CREATED])
    with live():
        world.ticket()

    page = world.client_for(world.admin).get("/notifications/").content.decode()
    assert "财务系统" in page and f"/desk/channels/webhooks/{sub.pk}/" in page


def test_old_finished_log_rows_are_purged(world: World, server: Server, settings: Any) -> None:
    settings.GONGDAN_WEBHOOK_LOG_DAYS = 30
    sub = _subscribe(world, server)
    now = timezone.now()
    old, recent, waiting = (
        WebhookDelivery.objects.create(
            subscription=sub,
            event_id=f"evt_{i}",
            event_type="ticket.created",
            body="{}",
            scheduled_at=now,
            status=status,
        )
        for i, status in enumerate(["succeeded", "failed", "pending"])
    )
    WebhookDelivery.objects.filter(pk__in=[old.pk, waiting.pk]).update(
        created_at=now - timedelta(days=31)
    )

    assert services.deliveries_purge(now=now) == 1
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


def test_redirects_are_not_followed(world: World, server: Server, live: Callable[[], Any]) -> None:
    def answer(seen: Any) -> tuple[Any, ...]:
        if seen.path == "/moved":
            return 302, {"moved": True}, {"Location": f"{server.url}/elsewhere"}
        return 200, {}

    server.responder = answer
    sub = _subscribe(world, server, "/moved", event_types=[WebhookEvent.TICKET_CREATED])
    with live():
        world.ticket()

    first = WebhookDelivery.objects.filter(subscription=sub).order_by("id").first()
    assert first is not None and (first.status, first.status_code) == ("failed", 302)
    assert [s.path for s in server.seen] == ["/moved"]
