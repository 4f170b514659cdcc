"""Presence: kept in the database with an expiry, announced to who may see the ticket."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gongdan.core import live
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.core.models import LiveEvent
from gongdan.live.models import Presence
from gongdan.live.services import PRESENCE_TTL, presence_people, presence_set
from gongdan.testing import World

pytestmark = pytest.mark.django_db


def test_viewing_then_replying_then_left(world: World) -> None:
    ticket = world.ticket()
    presence_set(actor=world.agent, ticket=ticket, state="viewing")
    presence_set(actor=world.supervisor, ticket=ticket, state="viewing")
    presence_set(actor=world.agent, ticket=ticket, state="replying")

    people = presence_people(ticket)
    assert [(p["name"], p["state"]) for p in people] == [
        ("agent", "replying"),
        ("supervisor", "viewing"),
    ]
    assert all(0 < p["ttl"] <= PRESENCE_TTL.total_seconds() for p in people)

    presence_set(actor=world.agent, ticket=ticket, state="left")
    assert [p["name"] for p in presence_people(ticket)] == ["supervisor"]


def test_presence_expires_without_renewal_and_expired_rows_are_deleted(world: World) -> None:
    ticket, other = world.ticket(), world.ticket()
    presence_set(actor=world.agent, ticket=ticket, state="replying")
    Presence.objects.update(expires_at=timezone.now() - timedelta(seconds=1))  # a closed laptop

    assert presence_people(ticket) == []
    presence_set(actor=world.supervisor, ticket=other, state="viewing")  # any write prunes
    assert list(Presence.objects.values_list("user__username", flat=True)) == ["supervisor"]


def test_customers_share_no_presence_and_unknown_states_are_refused(world: World) -> None:
    ticket = world.ticket()
    with pytest.raises(Forbidden):
        presence_set(actor=world.customer, ticket=ticket, state="viewing")
    with pytest.raises(ValidationFailed):
        presence_set(actor=world.agent, ticket=ticket, state="dancing")
    assert not Presence.objects.exists()


def test_presence_is_announced_with_who_may_see_the_ticket(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = world.ticket()
    start = live.last_id()
    with django_capture_on_commit_callbacks(execute=True):
        presence_set(actor=world.agent, ticket=ticket, state="replying")

    event = LiveEvent.objects.get(pk__gt=start, kind="presence")
    assert event.data["t"] == ticket.number
    assert event.data["team"] == world.it_team.pk
    assert [(p["id"], p["state"]) for p in event.data["people"]] == [(world.agent.pk, "replying")]

    poll = json.loads(
        world.client_for(world.other_agent).get("/desk/live/poll/", {"since": start}).content
    )
    assert poll["events"] == []  # the field team's agent does not learn who works on IT tickets


def test_the_presence_endpoint_answers_who_is_on_the_ticket(world: World) -> None:
    ticket = world.ticket()
    presence_set(actor=world.supervisor, ticket=ticket, state="viewing")
    response = world.client_for(world.agent).post(
        "/desk/live/presence/", {"ticket": ticket.number, "state": "viewing"}
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert sorted(p["name"] for p in answer["people"]) == ["agent", "supervisor"]
    bad = world.client_for(world.agent).post(
        "/desk/live/presence/", {"ticket": ticket.number, "state": ""}
    )
    assert bad.status_code == 422
    assert json.loads(bad.content)["code"] == "presence.state"
