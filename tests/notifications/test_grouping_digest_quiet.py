"""Notifications grouped by ticket and kind, the daily digest, and quiet seeded history."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from gongdan.notifications.digest import digests_send_due
from gongdan.notifications.models import DigestSubscription, Notification
from gongdan.notifications.services import digest_set, notify_many, quiet_mark_set
from gongdan.testing import World
from gongdan.tickets.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _note(user, kind: str, ticket: Ticket | None, **data) -> Notification:  # type: ignore[no-untyped-def]
    payload = {"number": ticket.number, "title": ticket.title} if ticket else {}
    return Notification.objects.create(
        recipient=user, kind=kind, ticket=ticket, data={**payload, **data}
    )


def test_sla_warnings_on_five_tickets_are_one_line(world: World) -> None:
    tickets = [world.ticket() for _ in range(5)]
    for t in tickets:
        _note(world.agent, "sla.warning", t, percent=80, target="resolution")

    html = world.client_for(world.agent).get("/notifications/").content.decode()

    assert html.count('data-testid="notification-group"') == 1
    assert "SLA at risk on 5 tickets" in html
    assert html.count('data-testid="notification"') == 5  # each still there, in the group
    assert Notification.objects.filter(recipient=world.agent).count() == 5


def test_alike_notifications_on_one_ticket_are_one_line_and_others_stay_apart(
    world: World,
) -> None:
    ticket, other = world.ticket(), world.ticket()
    for _ in range(3):
        _note(world.agent, "ticket.customer_replied", ticket)
    _note(world.agent, "ticket.customer_replied", other)
    _note(world.agent, "ticket.assigned", ticket)

    html = world.client_for(world.agent).get("/notifications/").content.decode()

    assert html.count('data-testid="notification-group"') == 1
    assert "(and 2 more like it)" in html
    assert html.count('data-testid="notification"') == 5


def test_a_group_is_marked_read_at_once_and_only_my_own(world: World) -> None:
    ticket = world.ticket()
    mine = [_note(world.agent, "ticket.note_added", ticket) for _ in range(2)]
    theirs = _note(world.other_agent, "ticket.note_added", ticket)
    ids = ",".join(str(n.pk) for n in [*mine, theirs])

    response = world.client_for(world.agent).post("/notifications/read-group/", {"ids": ids})

    assert response.status_code == 302
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_group_with_junk_ids_changes_nothing(world: World) -> None:
    note = _note(world.agent, "ticket.note_added", world.ticket())

    response = world.client_for(world.agent).post("/notifications/read-group/", {"ids": "x,,-1"})

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is None


# --- the daily digest ---------------------------------------------------------------------------


def _at(hour: int, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, 30, tzinfo=SHANGHAI)


def test_staff_turn_the_digest_on_and_off_in_their_preferences(world: World) -> None:
    client = world.client_for(world.agent)

    client.post("/notifications/preferences/", {"digest": "1"})
    assert DigestSubscription.objects.get(user=world.agent).enabled
    assert (
        'name="digest" value="1" id="pref-digest" checked'
        in client.get("/notifications/preferences/").content.decode()
    )

    client.post("/notifications/preferences/", {})
    assert not DigestSubscription.objects.get(user=world.agent).enabled


def test_customers_get_no_digest_option(world: World) -> None:
    client = world.client_for(world.customer)

    client.post("/notifications/preferences/", {"digest": "1"})

    assert 'name="digest"' not in client.get("/notifications/preferences/").content.decode()
    assert not DigestSubscription.objects.exists()


@pytest.fixture
def subscribed(world: World) -> World:
    world.agent.email = "agent@example.com"
    world.agent.save(update_fields=["email"])
    digest_set(user=world.agent, enabled=True)
    return world


def test_one_digest_a_day_even_on_a_doubled_tick(subscribed: World) -> None:
    world = subscribed
    ticket = world.ticket()
    for _ in range(3):
        _note(world.agent, "sla.warning", world.ticket(), percent=80, target="resolution")
    _note(world.agent, "ticket.customer_replied", ticket)
    now = _at(9)
    Notification.objects.update(created_at=now - timedelta(hours=2))

    assert digests_send_due(now=now) == 1
    assert digests_send_due(now=now) == 0  # the doubled tick
    assert digests_send_due(now=now + timedelta(hours=1)) == 0  # the next hour, same day

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent@example.com"]
    assert "4 unread notifications" in message.subject
    assert "SLA at risk on 3 tickets" in message.body
    assert f"/desk/tickets/{ticket.number}/" in message.body
    assert DigestSubscription.objects.get(user=world.agent).last_sent_on == now.date()


def test_no_digest_before_the_hour_nor_without_unread_news(subscribed: World) -> None:
    world = subscribed
    note = _note(world.agent, "ticket.assigned", world.ticket())
    Notification.objects.update(created_at=_at(7) - timedelta(hours=1))

    assert digests_send_due(now=_at(7)) == 0  # before 8:00
    note.read_at = timezone.now()
    note.save(update_fields=["read_at"])
    assert digests_send_due(now=_at(9)) == 0  # nothing unread: no mail, the day is taken
    assert mail.outbox == []


def test_the_next_day_brings_the_next_digest(subscribed: World) -> None:
    world = subscribed
    _note(world.agent, "ticket.assigned", world.ticket())
    Notification.objects.update(created_at=_at(8) - timedelta(hours=1))
    assert digests_send_due(now=_at(9)) == 1
    _note(world.agent, "ticket.assigned", world.ticket())
    Notification.objects.filter(read_at=None).update(created_at=_at(8, day=8) - timedelta(hours=1))

    assert digests_send_due(now=_at(9, day=8)) == 1
    assert len(mail.outbox) == 2


def test_a_switched_off_digest_sends_nothing(subscribed: World) -> None:
    world = subscribed
    digest_set(user=world.agent, enabled=False)
    _note(world.agent, "ticket.assigned", world.ticket())

    assert digests_send_due(now=_at(9)) == 0
    assert mail.outbox == []


# --- quiet history ------------------------------------------------------------------------------


def test_sweep_notifications_about_seeded_history_are_not_written(world: World) -> None:
    seeded = world.ticket()
    quiet_mark_set()
    worked_on = world.ticket()  # created after the mark: live

    written = notify_many(
        [
            ([world.agent], "sla.warning", seeded, {"percent": 80}),
            ([world.agent], "sla.warning", worked_on, {"percent": 80}),
            ([world.agent], "ticket.reminder", seeded, {"note": "call back"}),  # a person's ask
        ]
    )

    assert written == 2
    kinds = set(Notification.objects.filter(recipient=world.agent).values_list("ticket_id", "kind"))
    assert kinds == {(worked_on.pk, "sla.warning"), (seeded.pk, "ticket.reminder")}


def test_seeded_ticket_someone_works_on_is_news_again(world: World) -> None:
    seeded = world.ticket()
    quiet_mark_set()
    Ticket.objects.filter(pk=seeded.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    seeded.refresh_from_db()

    assert notify_many([([world.agent], "sla.escalated", seeded, {"level": 1})]) == 1


def test_without_a_mark_every_sweep_notification_is_written(world: World) -> None:
    ticket = world.ticket()

    assert notify_many([([world.agent], "sla.warning", ticket, {"percent": 80})]) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_tick_send_one_digest(world: World) -> None:
    from gongdan.testing import run_together

    world.agent.email = "agent@example.com"
    world.agent.save(update_fields=["email"])
    digest_set(user=world.agent, enabled=True)
    _note(world.agent, "ticket.assigned", world.ticket())
    Notification.objects.update(created_at=_at(8))

    results = run_together(4, lambda _i: digests_send_due(now=_at(9)))

    assert sorted(results) == [0, 0, 0, 1]
    assert len(mail.outbox) == 1
