"""The live endpoints: who may open a stream or poll, and which hints each one gets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gongdan.core import live
from gongdan.core.models import LiveEvent
from gongdan.live.models import Presence
from gongdan.testing import World
from gongdan.tickets import services

pytestmark = pytest.mark.django_db

STREAM, POLL, PRESENCE = "/desk/live/stream/", "/desk/live/poll/", "/desk/live/presence/"


def _poll(client: Any, since: int, **params: str) -> dict[str, Any]:
    response = client.get(POLL, {"since": since, **params})
    assert response.status_code == 200
    return json.loads(response.content)


def test_anonymous_visitors_get_no_stream_no_poll_and_no_presence(client: Any) -> None:
    for response in (client.get(STREAM), client.get(POLL), client.post(PRESENCE)):
        assert response.status_code == 401
        assert json.loads(response.content)["code"] == "not_authenticated"
        assert response["Content-Type"] == "application/json"


def test_customers_are_refused(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.customer)
    for response in (
        client.get(STREAM),
        client.get(POLL, {"since": 1}),
        client.post(PRESENCE, {"ticket": ticket.number, "state": "viewing"}),
    ):
        assert response.status_code == 403
    assert not Presence.objects.exists()


def test_an_agent_cannot_subscribe_to_a_ticket_of_another_team(world: World) -> None:
    ticket = world.ticket()  # the IT team's
    client = world.client_for(world.other_agent)
    assert client.get(STREAM, {"ticket": ticket.number}).status_code == 404
    assert client.get(POLL, {"ticket": ticket.number, "since": 1}).status_code == 404
    response = client.post(PRESENCE, {"ticket": ticket.number, "state": "viewing"})
    assert response.status_code == 404
    assert not Presence.objects.exists()


def test_under_a_wsgi_server_the_stream_tells_the_page_to_poll(world: World) -> None:
    response = world.client_for(world.agent).get(STREAM)
    assert response.status_code == 204
    assert response["X-Gongdan-Live"] == "poll"


def test_a_ticket_change_reaches_who_may_see_it_and_nobody_else(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = world.ticket()
    agent, other = world.client_for(world.agent), world.client_for(world.other_agent)
    start = json.loads(agent.get(POLL).content)["cursor"]

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)

    mine = _poll(agent, start)
    ticket_events = [e for e in mine["events"] if e["kind"] == "ticket"]
    assert ticket_events == [
        {
            "id": ticket_events[0]["id"],
            "kind": "ticket",
            "data": {
                "t": ticket.number,
                "v": ticket.version + 1,
                "kind": "ticket.assigned",
                "by": world.supervisor.pk,
                "who": str(world.supervisor),
            },
        }
    ]  # one hint for the assignment and the status it moved; no team or watcher ids
    assert mine["cursor"] >= ticket_events[0]["id"]
    assert _poll(other, start)["events"] == []  # the field team's agent hears nothing
    supervisor = _poll(world.client_for(world.supervisor), start)["events"]
    assert [e["kind"] for e in supervisor] == ["ticket"]  # and not the agent's notification


def test_a_notification_reaches_its_recipient_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from gongdan.notifications.services import notify

    ticket = world.ticket()
    start = live.last_id()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.agent], kind="ticket.assigned", ticket=ticket, actor=world.admin)

    events = _poll(world.client_for(world.agent), start)["events"]
    assert [(e["kind"], e["data"]["t"]) for e in events] == [("notification", ticket.number)]
    assert _poll(world.client_for(world.supervisor), start)["events"] == []


def test_a_ticket_scoped_poll_gets_only_that_tickets_hints(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first, second = world.ticket(), world.ticket()
    start = live.last_id()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(actor=world.agent, ticket=first, assignee=world.agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(actor=world.agent, ticket=second, assignee=world.agent)

    events = _poll(world.client_for(world.admin), start, ticket=second.number)["events"]
    assert [e["data"]["t"] for e in events] == [second.number]


def test_a_poll_too_far_behind_is_told_to_reload(world: World) -> None:
    first = live.publish("ticket", {"t": "x", "team": None})
    live.publish("ticket", {"t": "y", "team": None})
    LiveEvent.objects.filter(pk=first).delete()  # pruned

    answer = _poll(world.client_for(world.agent), first - 1)
    assert answer["reset"] is True
    assert [e["data"]["t"] for e in answer["events"]] == ["y"]


def test_the_poll_reads_by_primary_key_in_one_query(
    world: World, django_assert_num_queries: Any
) -> None:
    for n in range(5):
        live.publish("ticket", {"t": f"T{n}", "team": None})
    client = world.client_for(world.agent)
    client.get(POLL, {"since": 1})  # warm the session
    with django_assert_num_queries(5):  # session, user, teams, events, oldest id
        client.get(POLL, {"since": 1})
