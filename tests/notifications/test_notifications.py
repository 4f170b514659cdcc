"""Who hears about what: ticket events → outbox → notifications, the centre, the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongdan.accounts.models import User
from gongdan.notifications.models import Notification, NotificationPreference
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket


@pytest.fixture
def live(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run commit hooks as a real request would: emitted events are dispatched at commit."""

    def capture() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return capture


def _kinds(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True)
    )


@pytest.fixture
def assigned(world: World, live: Callable[[], Any]) -> Iterator[Ticket]:
    with live():
        ticket = world.ticket()
    with live():
        ticket = services.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)
    yield ticket


def test_the_assignee_hears_of_an_assignment_and_the_actor_does_not(
    world: World, assigned: Ticket
) -> None:
    note = Notification.objects.get(recipient=world.agent)
    assert note.kind == "ticket.assigned" and note.ticket == assigned
    assert note.data["number"] == assigned.number and note.actor_label == "supervisor"
    assert _kinds(world.supervisor) == []


def test_taking_a_ticket_yourself_notifies_nobody(world: World, live: Callable[[], Any]) -> None:
    with live():
        ticket = world.ticket()
    with live():
        services.ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)

    assert Notification.objects.count() == 0


def test_a_customer_reply_reaches_the_assignee(
    world: World, assigned: Ticket, live: Callable[[], Any]
) -> None:
    with live():
        services.comment_create(actor=world.customer, ticket=assigned, body="还是打不出来")

    assert _kinds(world.agent) == ["ticket.assigned", "ticket.customer_replied"]
    assert _kinds(world.customer) == []


def test_a_customer_reply_on_an_unassigned_ticket_reaches_that_teams_agents_only(
    world: World, live: Callable[[], Any]
) -> None:
    with live():
        ticket = world.ticket()
    with live():
        services.comment_create(actor=world.customer, ticket=ticket, body="有人吗？")

    assert _kinds(world.agent) == ["ticket.customer_replied"]  # IT team
    assert _kinds(world.other_agent) == []  # field team: not theirs


def test_customers_hear_of_public_replies_and_never_of_internal_notes(
    world: World, assigned: Ticket, live: Callable[[], Any]
) -> None:
    with live():
        services.comment_create(
            actor=world.supervisor, ticket=assigned, body="内部：换硒鼓", is_internal=True
        )
    with live():
        services.comment_create(actor=world.agent, ticket=assigned, body="请重启打印机")

    assert _kinds(world.customer) == ["ticket.staff_replied"]
    assert _kinds(world.agent) == ["ticket.assigned", "ticket.note_added"]
    text = Client()
    text.force_login(world.customer)
    page = text.get("/notifications/").content.decode()
    assert "内部" not in page and "replied on your ticket" in page


def test_status_changes_reach_the_customer_and_customer_moves_reach_the_assignee(
    world: World, assigned: Ticket, live: Callable[[], Any]
) -> None:
    with live():
        ticket = services.ticket_transition(
            actor=world.agent, ticket=assigned, to=Status.IN_PROGRESS
        )
    with live():
        ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)
    with live():
        services.ticket_transition(
            actor=world.customer, ticket=ticket, to=Status.REOPENED, comment="没修好"
        )

    # in_progress is internal detail: only "resolved" reaches the customer.
    assert _kinds(world.customer) == ["ticket.status_changed"]
    assert Notification.objects.get(recipient=world.customer).data["new"] == "resolved"
    assert "ticket.customer_acted" in _kinds(world.agent)


def test_a_user_who_turned_a_kind_off_does_not_get_it(
    world: World, live: Callable[[], Any]
) -> None:
    NotificationPreference.objects.create(
        user=world.agent, kind="ticket.assigned", channel="in_app", enabled=False
    )
    with live():
        ticket = world.ticket()
    with live():
        services.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)

    assert _kinds(world.agent) == []


# --- the centre ---------------------------------------------------------------------------------


def test_the_centre_lists_my_notifications_and_opening_one_marks_it_read(
    world: World, assigned: Ticket
) -> None:
    client = world.client_for(world.agent)
    note = Notification.objects.get(recipient=world.agent)

    page = client.get("/notifications/")
    assert page.status_code == 200
    assert f"supervisor assigned {assigned.number} to you" in page.content.decode()
    assert client.get("/notifications/badge/").content.decode().count(">1<") == 1

    opened = client.post(
        f"/notifications/{note.pk}/open/", {"next": f"/desk/tickets/{assigned.number}/"}
    )
    assert (opened.status_code, opened["Location"]) == (302, f"/desk/tickets/{assigned.number}/")
    note.refresh_from_db()
    assert note.read_at is not None
    assert "unread-count" not in client.get("/notifications/badge/").content.decode()


def test_outsiders_neither_see_nor_mark_someone_elses_notifications(
    world: World, assigned: Ticket
) -> None:
    note = Notification.objects.get(recipient=world.agent)
    for outsider in (world.other_agent, world.customer, world.supervisor):
        client = world.client_for(outsider)
        assert assigned.number not in client.get("/notifications/").content.decode()
        assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
        client.post("/notifications/read-all/")
    note.refresh_from_db()
    assert note.read_at is None
    anonymous = Client()
    assert anonymous.get("/notifications/").status_code == 302
    assert anonymous.post(f"/notifications/{note.pk}/open/").status_code == 302


def test_an_open_redirect_is_refused(world: World, assigned: Ticket) -> None:
    note = Notification.objects.get(recipient=world.agent)
    response = world.client_for(world.agent).post(
        f"/notifications/{note.pk}/open/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/notifications/"


def test_mark_all_read(world: World, assigned: Ticket, live: Callable[[], Any]) -> None:
    with live():
        services.comment_create(actor=world.customer, ticket=assigned, body="补充信息")
    client = world.client_for(world.agent)

    client.post("/notifications/read-all/")

    assert Notification.objects.filter(recipient=world.agent, read_at=None).count() == 0


def test_the_inbox_runs_a_constant_number_of_queries(world: World) -> None:
    tickets = [world.ticket(title=f"工单 {n}") for n in range(3)]
    client = world.client_for(world.agent)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/notifications/").status_code == 200
        return len(ctx.captured_queries)

    from gongdan.notifications.services import notify

    notify(recipients=[world.agent], kind="ticket.assigned", ticket=tickets[0])
    few = count()
    for ticket in tickets * 10:
        notify(recipients=[world.agent], kind="ticket.assigned", ticket=ticket)
    assert count() == few


def test_preferences_page_turns_kinds_off(world: World) -> None:
    client = world.client_for(world.agent)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200 and "A ticket was assigned to me" in page.content.decode()

    client.post("/notifications/preferences/", {"on": ["ticket.customer_replied:in_app"]})

    prefs = dict(
        NotificationPreference.objects.filter(user=world.agent).values_list("kind", "enabled")
    )
    # Only what differs from the default (on) is stored; a ticked box follows the default.
    assert "ticket.customer_replied" not in prefs and prefs["ticket.assigned"] is False
    # Customers are offered the kinds that concern them.
    customer_page = world.client_for(world.customer).get("/notifications/preferences/")
    assert "The service desk replied on my ticket" in customer_page.content.decode()
    assert "A ticket was assigned to me" not in customer_page.content.decode()


# --- the API ------------------------------------------------------------------------------------


def test_api_lists_marks_and_keeps_to_the_caller(world: World, assigned: Ticket, api: Any) -> None:
    mine = api.as_(world.agent).get("/notifications")
    assert mine.status_code == 200
    body = mine.json()
    assert body["unread"] == 1 and body["items"][0]["ticket"] == assigned.number
    note_id = body["items"][0]["id"]

    assert api.as_(world.other_agent).get("/notifications").json()["items"] == []
    assert api.as_(world.other_agent).post(f"/notifications/{note_id}/read").status_code == 404
    assert api.as_(world.agent).get("/notifications?unread=true").json()["unread"] == 1

    assert api.as_(world.agent).post(f"/notifications/{note_id}/read").json() == {"marked": 1}
    assert api.as_(world.agent).get("/notifications?unread=true").json()["items"] == []
    assert api.as_(None).get("/notifications").status_code == 401


def test_api_preferences(world: World, api: Any) -> None:
    caller = api.as_(world.customer)
    before = caller.get("/notifications/preferences").json()
    assert {p["kind"] for p in before} == {
        "ticket.staff_replied",
        "ticket.status_changed",
        "ticket.received",
    }

    bad = caller.put(
        "/notifications/preferences", {"items": [{"kind": "x", "channel": "pigeon", "enabled": 1}]}
    )
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {
        "items.0.kind",
        "items.0.channel",
    }

    ok = caller.put(
        "/notifications/preferences",
        {"items": [{"kind": "ticket.status_changed", "channel": "in_app", "enabled": False}]},
    )
    assert ok.status_code == 200
    assert {p["kind"]: p["enabled"] for p in ok.json()}["ticket.status_changed"] is False
