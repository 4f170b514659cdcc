"""The Django admin: configuration pages work; tickets, audit and outbox are read-only."""

from __future__ import annotations

import pytest

from gongdan.accounts.choices import Role
from gongdan.accounts.models import AgentProfile, User
from gongdan.audit.models import AuditEvent
from gongdan.testing import World


@pytest.mark.parametrize(
    "path",
    [
        "accounts/user",
        "accounts/team",
        "accounts/skill",
        "accounts/agentprofile",
        "accounts/apitoken",
        "customers/organization",
        "customers/contact",
        "tickets/tickettype",
        "tickets/category",
        "tickets/tag",
        "tickets/ticket",
        "tickets/savedview",
        "audit/auditevent",
        "core/outboxevent",
    ],
)
def test_changelists_render(world: World, path: str) -> None:
    world.ticket()

    response = world.client_for(world.admin).get(f"/admin/{path}/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "accounts/user/{agent}",
        "accounts/team/{team}",
        "tickets/ticket/{ticket}",
    ],
)
def test_change_pages_render(world: World, path: str) -> None:
    ticket = world.ticket()
    url = path.format(agent=world.agent.pk, team=world.it_team.pk, ticket=ticket.pk)

    response = world.client_for(world.admin).get(f"/admin/{url}/change/")

    assert response.status_code == 200


def test_tickets_cannot_be_added_changed_or_deleted_in_the_admin(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.admin)

    add = client.get("/admin/tickets/ticket/add/")
    change = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", {"title": "hacked"})
    delete = client.post(f"/admin/tickets/ticket/{ticket.pk}/delete/", {"post": "yes"})

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    ticket.refresh_from_db()
    assert ticket.title == "打印机无法打印 Printer offline"


def test_audit_events_are_read_only(world: World) -> None:
    world.ticket()
    event = AuditEvent.objects.first()
    assert event is not None

    response = world.client_for(world.admin).post(
        f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_users_cannot_be_added_in_the_admin_any_more(world: World) -> None:
    """Users are invited in the workspace (Settings → Users); the admin only shows them."""
    users = User.objects.count()

    response = world.client_for(world.admin).post(
        "/admin/accounts/user/add/",
        {
            "username": "newagent",
            "role": Role.AGENT,
            "password1": "Gongdan-pw-2026!",
            "password2": "Gongdan-pw-2026!",
        },
    )

    assert response.status_code == 403
    assert User.objects.count() == users
    assert not AgentProfile.objects.filter(user__username="newagent").exists()


def test_a_staff_member_who_is_not_a_superuser_cannot_enter(world: World) -> None:
    # An admin whose superuser flag was taken away in the database (not through the services)
    User.objects.filter(pk=world.admin.pk).update(is_superuser=False)

    response = world.client_for(world.admin).get("/admin/")

    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["agent", "supervisor", "customer"])
def test_only_admins_enter_the_admin(world: World, persona: str) -> None:
    response = world.client_for(getattr(world, persona)).get("/admin/")

    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")
