"""The Django admin never writes around the services: read-only, or saved through them."""

from __future__ import annotations

from django.contrib import admin

from gongdan.audit.admin import is_write_safe
from gongdan.audit.models import AuditEvent
from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Contact
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


def test_a_contact_changed_in_the_admin_goes_through_its_service(world: World) -> None:
    contact = world.customer_contact

    response = world.client_for(world.admin).post(
        f"/admin/customers/contact/{contact.pk}/change/",
        {
            "name": "钱七",
            "email": contact.email,
            "mobile": "",
            "organization": world.acme.pk,
            "user": world.customer.pk,
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "钱七"
    event = AuditEvent.objects.get(action="contact.updated", object_id=str(contact.pk))
    assert (event.actor_id, event.data) == (world.admin.pk, {"fields": ["name"]})
    assert OutboxEvent.objects.filter(
        event_type="contact.updated", payload={"contact": contact.pk}
    ).exists()


def test_a_ticket_type_changed_in_the_admin_is_audited(world: World) -> None:
    response = world.client_for(world.admin).post(
        "/admin/tickets/tickettype/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": world.incident.pk,
            "form-0-sort_order": "7",
            "form-0-is_active": "on",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    world.incident.refresh_from_db()
    assert world.incident.sort_order == 7
    event = AuditEvent.objects.get(action="tickettype.changed")
    assert (event.actor_id, event.object_id, event.data) == (
        world.admin.pk,
        str(world.incident.pk),
        {"fields": ["sort_order"], "via": "admin"},
    )


def test_contacts_cannot_be_added_from_their_organizations_page(world: World) -> None:
    contacts = Contact.objects.count()

    response = world.client_for(world.admin).post(
        f"/admin/customers/organization/{world.acme.pk}/change/",
        {
            "code": "acme",
            "name": world.acme.name,
            "is_active": "on",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-name": "旁门",
            "contacts-0-email": "side@door.example.cn",
        },
    )

    assert response.status_code == 302
    assert Contact.objects.count() == contacts
    assert not Contact.objects.filter(email="side@door.example.cn").exists()


def test_a_contact_added_in_the_admin_is_created_through_its_service(world: World) -> None:
    response = world.client_for(world.admin).post(
        "/admin/customers/contact/add/",
        {"name": "孙八", "email": "sunba@visitor.example.cn", "mobile": "", "organization": ""},
    )

    assert response.status_code == 302
    contact = Contact.objects.get(email="sunba@visitor.example.cn")
    event = AuditEvent.objects.get(action="contact.created", object_id=str(contact.pk))
    assert (event.actor_id, event.data) == (world.admin.pk, {"via": "admin"})
    assert OutboxEvent.objects.filter(
        event_type="contact.created", payload={"contact": contact.pk}
    ).exists()


def test_a_user_saved_in_the_admin_goes_through_user_admin_save(world: World) -> None:
    response = world.client_for(world.admin).post(
        f"/admin/accounts/user/{world.agent.pk}/change/",
        {
            "username": world.agent.username,
            "display_name": "改名",
            "first_name": "",
            "last_name": "",
            "email": world.agent.email,
            "mobile": "",
            "language": world.agent.language,
            "role": world.agent.role,
            "is_active": "on",
            "membership_set-TOTAL_FORMS": "0",
            "membership_set-INITIAL_FORMS": "0",
            "agent_profile-TOTAL_FORMS": "0",
            "agent_profile-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    world.agent.refresh_from_db()
    assert (world.agent.display_name, world.agent.is_staff) == ("改名", False)
    event = AuditEvent.objects.get(action="user.changed", object_id=str(world.agent.pk))
    assert (event.actor_id, event.data) == (world.admin.pk, {"role": "agent", "via": "admin"})
    assert OutboxEvent.objects.filter(
        event_type="user.updated", payload={"user": world.agent.pk}
    ).exists()
