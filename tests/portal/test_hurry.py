"""催办: a customer asks the desk to hurry up — portal button, API, rate limit, notifications."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gongdan.core.errors import DomainError
from gongdan.notifications.models import Notification
from gongdan.testing import Api, World, state
from gongdan.tickets import services
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Ticket, TimelineEntry


def _hurries(ticket: Ticket) -> int:
    return TimelineEntry.objects.filter(ticket=ticket, kind=TimelineKind.HURRIED).count()


def test_the_customer_hurries_from_the_portal_and_it_is_on_the_public_timeline(
    world: World,
) -> None:
    ticket = world.ticket()
    client = world.client_for(world.customer)
    page = client.get(reverse("portal:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="hurry"' in page and reverse("portal:hurry", args=[ticket.number]) in page

    response = client.post(
        reverse("portal:hurry", args=[ticket.number]), {"note": "产线停了 line is down"}
    )

    assert response.status_code == 302
    entry = TimelineEntry.objects.get(ticket=ticket, kind=TimelineKind.HURRIED)
    assert entry.actor == world.customer and entry.data == {"note": "产线停了 line is down"}
    page = client.get(reverse("portal:detail", args=[ticket.number])).content.decode()
    assert "产线停了 line is down" in page
    assert "You can ask again after" in page  # the button is replaced by when it comes back


def test_a_second_hurry_within_the_interval_is_refused_with_429(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.customer)
    url = reverse("portal:hurry", args=[ticket.number])
    client.post(url)

    response = client.post(url)

    assert response.status_code == 429
    assert "You asked recently" in response.content.decode()
    assert _hurries(ticket) == 1


def test_after_the_interval_the_customer_may_hurry_again(world: World, settings: Any) -> None:
    settings.GONGDAN_HURRY_INTERVAL_MINUTES = 30
    ticket = world.ticket()
    services.ticket_hurry(actor=world.customer, ticket=ticket)
    TimelineEntry.objects.filter(ticket=ticket, kind=TimelineKind.HURRIED).update(
        created_at=timezone.now() - timedelta(minutes=31)
    )

    services.ticket_hurry(actor=world.customer, ticket=Ticket.objects.get(pk=ticket.pk))

    assert _hurries(ticket) == 2


def test_the_interval_is_per_ticket_not_per_person(world: World) -> None:
    """A colleague (the org admin) cannot double the pressure on the same ticket."""
    ticket = world.ticket()
    services.ticket_hurry(actor=world.customer, ticket=ticket)

    with pytest.raises(DomainError) as caught:
        services.ticket_hurry(actor=world.org_admin, ticket=Ticket.objects.get(pk=ticket.pk))

    assert caught.value.code == "ticket.hurry_too_soon" and caught.value.status == 429


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CANCELLED])
def test_a_ticket_that_is_not_open_cannot_be_hurried(world: World, status: str) -> None:
    ticket = world.ticket()
    if status == Status.RESOLVED:
        ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
        ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)
    else:
        ticket = services.ticket_transition(
            actor=world.customer, ticket=ticket, to=Status.CANCELLED, comment="not needed"
        )
    client = world.client_for(world.customer)
    assert (
        'data-testid="hurry"'
        not in client.get(reverse("portal:detail", args=[ticket.number])).content.decode()
    )

    response = client.post(reverse("portal:hurry", args=[ticket.number]))

    assert response.status_code == 422
    assert _hurries(ticket) == 0


def test_another_customer_gets_404_and_changes_nothing(world: World) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = world.client_for(world.other_customer).post(
        reverse("portal:hurry", args=[ticket.number])
    )

    assert response.status_code == 404
    assert state(ticket) == before and _hurries(ticket) == 0


def test_anonymous_visitors_are_sent_to_log_in(world: World) -> None:
    from django.test import Client

    ticket = world.ticket()

    response = Client().post(reverse("portal:hurry", args=[ticket.number]))

    assert response.status_code == 302 and "login" in response["Location"]
    assert _hurries(ticket) == 0


def test_the_assignee_and_the_team_lead_are_notified(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.it_team.lead = world.supervisor
    world.it_team.save(update_fields=["lead"])
    ticket = world.ticket()
    ticket = services.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_hurry(actor=world.customer, ticket=ticket, note="urgent")

    notified = set(
        Notification.objects.filter(kind="ticket.hurried").values_list("recipient", flat=True)
    )
    assert notified == {world.agent.pk, world.supervisor.pk}


def test_an_unassigned_ticket_notifies_the_teams_agents(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = world.ticket()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_hurry(actor=world.customer, ticket=ticket)

    notified = set(
        Notification.objects.filter(kind="ticket.hurried").values_list("recipient", flat=True)
    )
    assert notified == {world.agent.pk}  # the IT team; not the field team's agent


def test_api_hurry_then_429_with_a_machine_readable_code(world: World) -> None:
    api = Api(world)
    ticket = world.ticket()
    caller = api.as_(world.customer)

    first = caller.post(f"/tickets/{ticket.number}/hurry", {"note": "please"})
    second = caller.post(f"/tickets/{ticket.number}/hurry", {})

    assert first.status_code == 200 and first.json()["number"] == ticket.number
    assert second.status_code == 429 and second.json()["code"] == "ticket.hurry_too_soon"
    assert _hurries(ticket) == 1


def test_api_staff_get_403_and_outsiders_404(world: World) -> None:
    api = Api(world)
    ticket = world.ticket()
    before = state(ticket)

    staff = api.as_(world.agent).post(f"/tickets/{ticket.number}/hurry", {})
    outsider = api.as_(world.other_customer).post(f"/tickets/{ticket.number}/hurry", {})
    too_long = api.as_(world.customer).post(f"/tickets/{ticket.number}/hurry", {"note": "x" * 501})

    assert staff.status_code == 403 and staff.json()["code"] == "permission.customers_only"
    assert outsider.status_code == 404
    assert too_long.status_code == 422
    assert state(ticket) == before


@pytest.mark.django_db(transaction=True)
def test_two_hurries_at_once_record_one(world) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    ticket = world.ticket()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def hurry(actor: Any) -> None:
        try:
            barrier.wait()
            services.ticket_hurry(actor=actor, ticket=Ticket.objects.get(pk=ticket.pk))
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=hurry, args=(u,)) for u in (world.customer, world.org_admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results) == ["ok", "ticket.hurry_too_soon"]
    assert _hurries(ticket) == 1
