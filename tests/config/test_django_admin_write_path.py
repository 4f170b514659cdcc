"""The Django admin never writes around the services: read-only, or saved through them."""

from __future__ import annotations

import pytest
from django.contrib import admin

from gongdan.audit.admin import is_write_safe
from gongdan.audit.models import AuditEvent
from gongdan.core.models import OutboxEvent
from gongdan.testing import World
from gongdan.tickets.models import Ticket, TimelineEntry


def test_every_model_admin_is_read_only_or_writes_through_services() -> None:
    unsafe = sorted(
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not is_write_safe(model_admin)
    )

    assert unsafe == []


def test_a_superuser_cannot_change_a_ticket_around_the_timeline_and_audit(world: World) -> None:
    # Given a ticket and the superuser's admin session
    ticket = world.ticket(by=world.agent)
    client = world.client_for(world.admin)
    before = (
        TimelineEntry.objects.count(),
        AuditEvent.objects.count(),
        OutboxEvent.objects.count(),
    )

    # When they open its change page and post a new title, priority and status
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/")
    posted = client.post(
        f"/admin/tickets/ticket/{ticket.pk}/change/",
        {"title": "改掉", "priority": "urgent", "status": "closed", "_save": "Save"},
    )

    # Then the page is a read-only view, the post is refused and nothing changed anywhere
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.title, fresh.priority, fresh.status, fresh.version) == (
        ticket.title,
        ticket.priority,
        ticket.status,
        ticket.version,
    )
    assert before == (
        TimelineEntry.objects.count(),
        AuditEvent.objects.count(),
        OutboxEvent.objects.count(),
    )


@pytest.mark.parametrize(
    "path",
    [
        "accounts/user/{agent}",
        "accounts/team/{team}",
        "customers/organization/{org}",
        "customers/contact/{contact}",
        "tickets/tickettype/{type}",
        "tickets/category/{category}",
    ],
)
def test_models_with_services_are_read_only_in_the_admin(world: World, path: str) -> None:
    # Given a superuser and a model that the workspace and the API change through services
    url = "/admin/" + path.format(
        agent=world.agent.pk,
        team=world.it_team.pk,
        org=world.acme.pk,
        contact=world.customer_contact.pk,
        type=world.incident.pk,
        category=world.printer.pk,
    )
    client = world.client_for(world.admin)
    before = (AuditEvent.objects.count(), OutboxEvent.objects.count())

    # When they open its page, try to add one, post a change and delete it
    page = client.get(f"{url}/change/")
    add = client.get(url.rsplit("/", 1)[0] + "/add/")
    change = client.post(f"{url}/change/", {"name": "改掉", "display_name": "改掉"})
    delete = client.post(f"{url}/delete/", {"post": "yes"})

    # Then it is shown read-only and every write is refused: nothing changed anywhere
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert before == (AuditEvent.objects.count(), OutboxEvent.objects.count())
    world.agent.refresh_from_db()
    world.customer_contact.refresh_from_db()
    assert "改掉" not in (world.agent.display_name, world.customer_contact.name)
