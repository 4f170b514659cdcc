"""@mentions in internal notes (notify, grant read access, audited) and the customer panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Membership, User
from gongdan.audit.models import AuditEvent
from gongdan.notifications.models import Notification
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.mentions import mentioned_usernames
from gongdan.tickets.models import Ticket, TicketWatcher, TimelineEntry


@pytest.fixture
def live(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    def capture() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return capture


@pytest.fixture
def field_agent(world: World) -> User:
    """A second agent of the other team, never mentioned."""
    user = User.objects.create_user(username="field2", password="x", role=Role.AGENT)
    Membership.objects.create(user=user, team=world.field_team)
    return user


def _page(user: User, ticket: Ticket) -> int:
    client = Client()
    client.force_login(user)
    return client.get(f"/desk/tickets/{ticket.number}/").status_code


def test_usernames_are_found_but_mail_addresses_are_not() -> None:
    text = "@wang.wei 请看 @李娜, cc li@example.com and @wang.wei again; @end."

    assert mentioned_usernames(text) == ["wang.wei", "李娜", "end"]


def test_a_mention_in_a_note_lets_the_colleague_in_and_tells_them(
    world: World, live: Callable[[], Any], field_agent: User
) -> None:
    ticket = world.ticket()
    assert _page(world.other_agent, ticket) == 404

    with live():
        comment = services.comment_create(
            actor=world.agent,
            ticket=ticket,
            body=f"@{world.other_agent.username} 请上门看看这台打印机",
            is_internal=True,
        )

    assert _page(world.other_agent, ticket) == 200
    assert _page(field_agent, ticket) == 404  # not mentioned: still out
    assert TicketWatcher.objects.filter(ticket=ticket, user=world.other_agent).exists()
    entry = TimelineEntry.objects.get(ticket=ticket, kind="ticket.mention")
    assert entry.is_internal and "other_agent" in entry.data["granted"]
    audit = AuditEvent.objects.get(action="ticket.mention")
    assert audit.data["users"] == [world.other_agent.pk] and audit.data["comment"] == comment.pk
    note = Notification.objects.get(recipient=world.other_agent, kind="ticket.mentioned")
    assert note.ticket == ticket and note.actor_label == "agent"


def test_mentioning_someone_who_already_sees_the_ticket_grants_nothing(
    world: World, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()

    with live():
        services.comment_create(
            actor=world.supervisor,
            ticket=ticket,
            body="@agent please call the customer",
            is_internal=True,
        )

    assert not TicketWatcher.objects.filter(ticket=ticket, user=world.agent).exists()
    assert TimelineEntry.objects.get(ticket=ticket, kind="ticket.mention").data["granted"] == ""
    assert Notification.objects.filter(recipient=world.agent, kind="ticket.mentioned").count() == 1


def test_a_mention_in_a_public_reply_grants_and_tells_nothing(
    world: World, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()

    with live():
        services.comment_create(
            actor=world.agent, ticket=ticket, body=f"@{world.other_agent.username} 会处理"
        )

    assert _page(world.other_agent, ticket) == 404
    assert not Notification.objects.filter(kind="ticket.mentioned").exists()
    assert not TimelineEntry.objects.filter(kind="ticket.mention").exists()


def test_mentioning_a_customer_or_an_unknown_name_does_nothing(
    world: World, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()

    with live():
        services.comment_create(
            actor=world.agent,
            ticket=ticket,
            body=f"@{world.other_customer.username} @nobody-here @{world.agent.username}",
            is_internal=True,
        )

    assert not TicketWatcher.objects.filter(ticket=ticket, user__isnull=False).exists()
    assert not Notification.objects.filter(kind="ticket.mentioned").exists()
    assert not TimelineEntry.objects.filter(kind="ticket.mention").exists()


def test_the_mention_reads_as_a_sentence_on_the_ticket_page(
    world: World, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()
    with live():
        services.comment_create(
            actor=world.agent, ticket=ticket, body="@other_agent 看看", is_internal=True
        )

    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert "mentioned other_agent in a note (other_agent may now read this ticket)" in html


def test_mention_suggestions_list_staff_only(world: World) -> None:
    client = world.client_for(world.agent)

    html = client.get("/desk/compose/mentions/", {"q": "oth"}).content.decode()
    assert 'data-mention="other_agent"' in html
    html = client.get("/desk/compose/mentions/", {"q": "other_cust"}).content.decode()
    assert "data-mention" not in html  # customers are never suggested
    assert client.get("/desk/compose/mentions/", {"q": ""}).content.decode().strip() == ""
    assert world.client_for(world.customer).get("/desk/compose/mentions/?q=a").status_code == 403


# --- the customer panel --------------------------------------------------------------------------


def _panel(user: User, ticket: Ticket) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(f"/desk/tickets/{ticket.number}/customer/", headers={"HX-Request": "true"})


def test_the_panel_shows_the_requester_and_their_visible_tickets_only(world: World) -> None:
    world.acme.tier = "gold"
    world.acme.save(update_fields=["tier"])
    ticket = world.ticket(title="当前工单")
    other_open = world.ticket(title="另一个打开的工单")
    closed = world.ticket(title="已取消的工单")
    services.ticket_transition(
        actor=world.customer, ticket=closed, to="cancelled", comment="不用了"
    )
    hidden = services.ticket_create(
        actor=world.supervisor,
        title="外勤秘密工单",
        ticket_type=world.repair,
        team=world.field_team,
        requester=world.customer_contact,
    )

    response = _panel(world.agent, ticket)

    html = response.content.decode()
    assert response.status_code == 200
    assert world.customer_contact.name in html
    assert world.acme.name in html and ">gold<" in html
    assert other_open.number in html and closed.number in html
    assert hidden.number not in html and "外勤秘密工单" not in html
    assert f'<a class="gd-ticket-number" href="/desk/tickets/{ticket.number}/">' not in html
    assert hidden.number in _panel(world.supervisor, ticket).content.decode()


def test_the_panel_without_an_organization_or_tier_shows_dashes(world: World) -> None:
    world.acme.tier = ""
    world.acme.save(update_fields=["tier"])
    ticket = world.ticket()

    html = _panel(world.agent, ticket).content.decode()

    assert 'data-testid="customer-tier">—<' in html


def test_the_panel_is_closed_to_outsiders(world: World) -> None:
    ticket = world.ticket()

    assert _panel(world.other_agent, ticket).status_code == 404
    assert _panel(world.customer, ticket).status_code == 403
    assert Client().get(f"/desk/tickets/{ticket.number}/customer/").status_code == 302


def test_the_ticket_page_loads_the_panel(world: World) -> None:
    ticket = world.ticket()

    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert f'hx-get="/desk/tickets/{ticket.number}/customer/"' in html


@pytest.mark.parametrize("others", [1, 8])
def test_the_panel_costs_the_same_for_few_and_many_tickets(
    world: World, others: int, django_assert_num_queries: Any
) -> None:
    ticket = world.ticket()
    for _i in range(others):
        world.ticket()
    client = world.client_for(world.agent)

    # session, user, the ticket (with requester and organization), open, recent
    with django_assert_num_queries(5):
        response = client.get(f"/desk/tickets/{ticket.number}/customer/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="gd-ticket-number"') == min(others, 5)
    assert ("All their open tickets" in html) is (others > 5)


def test_a_mentioned_assignee_is_told_once(world: World, live: Callable[[], Any]) -> None:
    with live():
        ticket = world.ticket()
        services.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)
    Notification.objects.all().delete()

    with live():
        services.comment_create(
            actor=world.supervisor, ticket=ticket, body="@agent 请尽快处理", is_internal=True
        )
    with live():
        services.comment_create(
            actor=world.supervisor, ticket=ticket, body="没有提到任何人", is_internal=True
        )

    kinds = list(
        Notification.objects.filter(recipient=world.agent)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["ticket.mentioned", "ticket.note_added"]
