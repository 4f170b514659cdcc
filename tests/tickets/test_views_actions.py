"""The ticket page's actions: each calls a service, answers htmx with the workspace partial,
turns a DomainError into a form error (422), and lets no outsider change anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongdan.testing import World, upload
from gongdan.tickets import services
from gongdan.tickets.choices import LinkKind, Priority, Status, TimelineKind
from gongdan.tickets.models import Attachment, Comment, Ticket, TicketLink

HTMX = {"HX-Request": "true", "HX-Target": "ticket-workspace"}


def _post(client: Client, ticket: Ticket, action: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(f"/desk/tickets/{ticket.number}/{action}/", data, **kw)


def _resolved(world: World) -> Ticket:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    return services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)


def test_public_reply_with_attachment(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent),
        ticket,
        "reply",
        {"kind": "reply", "body": "已更换硒鼓 toner replaced", "attachments": [upload("发票.pdf")]},
        headers=HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ticket-workspace" ')
    assert "Reply sent." in html
    assert "已更换硒鼓 toner replaced" in html
    comment = Comment.objects.get(ticket=ticket)
    assert (comment.body, comment.is_internal, comment.author) == (
        "已更换硒鼓 toner replaced",
        False,
        world.agent,
    )
    assert list(Attachment.objects.filter(comment=comment).values_list("name", flat=True)) == [
        "发票.pdf"
    ]


def test_internal_note_without_htmx_redirects_to_the_ticket(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent), ticket, "reply", {"kind": "note", "body": "内部备注"}
    )

    assert (response.status_code, response["Location"]) == (302, f"/desk/tickets/{ticket.number}/")
    assert list(Comment.objects.filter(ticket=ticket).values_list("body", "is_internal")) == [
        ("内部备注", True)
    ]


def test_empty_reply_is_a_form_error(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent),
        ticket,
        "reply",
        {"kind": "reply", "body": "  "},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Comment.objects.filter(ticket=ticket).count() == 0


def test_take_it(world: World) -> None:
    ticket = world.ticket()

    response = _post(world.client_for(world.agent), ticket, "assign", {"take": "1"}, headers=HTMX)

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (world.agent, Status.ASSIGNED)


def test_reassign_and_unassign(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.supervisor)

    _post(client, ticket, "assign", {"assignee": world.agent.pk}, headers=HTMX)
    ticket.refresh_from_db()
    assert ticket.assignee == world.agent

    _post(client, ticket, "assign", {"assignee": ""}, headers=HTMX)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (None, Status.NEW)


def test_assigning_a_member_of_another_team_is_refused(world: World) -> None:
    ticket = world.ticket()
    version = ticket.version

    response = _post(
        world.client_for(world.supervisor),
        ticket,
        "assign",
        {"assignee": world.other_agent.pk},
        headers=HTMX,
    )

    assert response.status_code == 422
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.version) == (None, version)


def test_status_change_to_an_allowed_target(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent), ticket, "status", {"to": Status.IN_PROGRESS}, headers=HTMX
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, world.agent)


def test_only_allowed_targets_are_offered(world: World) -> None:
    ticket = _resolved(world)

    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert 'name="to" value="closed"' in html
    assert 'name="to" value="reopened"' in html
    assert 'name="to" value="in_progress"' not in html
    assert 'name="to" value="cancelled"' not in html


def test_reopen_without_reason_shows_the_error_and_changes_nothing(world: World) -> None:
    ticket = _resolved(world)
    version = ticket.version

    response = _post(
        world.client_for(world.agent),
        ticket,
        "status",
        {"to": Status.REOPENED, "comment": ""},
        headers=HTMX,
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert '<div class="invalid-feedback d-block">Please say why.</div>' in html
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.RESOLVED, version)


def test_reopen_with_reason(world: World) -> None:
    ticket = _resolved(world)

    _post(
        world.client_for(world.agent),
        ticket,
        "status",
        {"to": Status.REOPENED, "comment": "客户说还坏"},
        headers=HTMX,
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert list(Comment.objects.filter(ticket=ticket).values_list("body", flat=True)) == [
        "客户说还坏"
    ]


def test_illegal_status_is_a_form_error(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent), ticket, "status", {"to": Status.CLOSED}, headers=HTMX
    )

    assert response.status_code == 422
    assert "A ticket cannot move from New to Closed." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_edit_priority_category_and_tags(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent),
        ticket,
        "fields",
        {
            "priority": Priority.HIGH,
            "ticket_type": world.incident.pk,
            "category": world.printer.pk,
            "team": world.it_team.pk,
            "tags": "vip, 打印机",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.category) == (Priority.HIGH, world.printer)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["vip", "打印机"]
    kinds = set(ticket.timeline.values_list("kind", flat=True))
    assert {
        TimelineKind.PRIORITY_CHANGED,
        TimelineKind.CATEGORY_CHANGED,
        TimelineKind.TAGS_CHANGED,
    } <= kinds


def test_moving_the_ticket_out_of_sight_goes_back_to_the_list(world: World) -> None:
    ticket = world.ticket()
    services.ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)

    response = _post(
        world.client_for(world.agent),
        ticket,
        "fields",
        {
            "priority": ticket.priority,
            "ticket_type": world.incident.pk,
            "team": world.field_team.pk,
            "tags": "",
        },
        headers=HTMX,
    )

    assert (response.status_code, response["HX-Redirect"]) == (200, "/desk/tickets/")
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (world.field_team, None)


def test_split_into_a_child(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent),
        ticket,
        "split",
        {"title": "更换网线 replace cable", "team": world.field_team.pk},
        headers=HTMX,
    )

    assert response.status_code == 200
    child = Ticket.objects.get(parent=ticket)
    assert (child.title, child.team, child.requester) == (
        "更换网线 replace cable",
        world.field_team,
        ticket.requester,
    )
    assert f"Child ticket {child.number} created." in response.content.decode()


def test_link_to_another_ticket(world: World) -> None:
    ticket, other = world.ticket(), world.ticket()

    response = _post(
        world.client_for(world.agent),
        ticket,
        "link",
        {"number": other.number, "kind": LinkKind.RELATED},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert list(TicketLink.objects.values_list("source", "target", "kind")) == [
        (ticket.pk, other.pk, LinkKind.RELATED)
    ]


def test_link_to_an_invisible_ticket_is_a_form_error(world: World) -> None:
    ticket = world.ticket()
    hidden = world.ticket(ticket_type=world.repair)  # Field team's

    response = _post(
        world.client_for(world.agent),
        ticket,
        "link",
        {"number": hidden.number, "kind": LinkKind.RELATED},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "No ticket with this number." in response.content.decode()
    assert TicketLink.objects.count() == 0


def test_merge_redirects_to_the_target(world: World) -> None:
    source, target = world.ticket(), world.ticket()
    services.comment_create(actor=world.customer, ticket=source, body="dup")

    response = _post(
        world.client_for(world.agent), source, "merge", {"number": target.number}, headers=HTMX
    )

    assert (response.status_code, response["HX-Redirect"]) == (
        200,
        f"/desk/tickets/{target.number}/",
    )
    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Status.CLOSED, target)
    assert list(Comment.objects.filter(ticket=target).values_list("body", flat=True)) == ["dup"]


def test_merge_into_itself_is_a_form_error(world: World) -> None:
    ticket = world.ticket()

    response = _post(
        world.client_for(world.agent), ticket, "merge", {"number": ticket.number}, headers=HTMX
    )

    assert response.status_code == 422
    assert "A ticket cannot be merged into itself." in response.content.decode()


ACTIONS = [
    ("reply", {"kind": "reply", "body": "hi"}),
    ("assign", {"take": "1"}),
    ("status", {"to": Status.IN_PROGRESS}),
    ("fields", {"priority": Priority.URGENT, "ticket_type": "", "tags": "x"}),
    ("split", {"title": "child"}),
    ("link", {"number": "", "kind": LinkKind.RELATED}),
    ("merge", {"number": ""}),
]


def _snapshot(ticket: Ticket) -> tuple[Any, ...]:
    ticket.refresh_from_db()
    return (
        ticket.version,
        ticket.status,
        ticket.assignee_id,
        ticket.priority,
        Comment.objects.count(),
        Ticket.objects.count(),
        TicketLink.objects.count(),
        ticket.timeline.count(),
    )


@pytest.mark.parametrize(("action", "data"), ACTIONS)
def test_agent_of_another_team_gets_404_and_nothing_changes(
    world: World, action: str, data: dict[str, Any]
) -> None:
    ticket = world.ticket()
    other = world.ticket()
    data = {**data, "number": other.number} if "number" in data else data
    before = _snapshot(ticket)

    response = _post(world.client_for(world.other_agent), ticket, action, data, headers=HTMX)

    assert response.status_code == 404
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("action", "data"), ACTIONS)
def test_customer_gets_403_and_nothing_changes(
    world: World, action: str, data: dict[str, Any]
) -> None:
    ticket = world.ticket()
    before = _snapshot(ticket)

    response = _post(world.client_for(world.customer), ticket, action, data)

    assert response.status_code == 403
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("action", "data"), ACTIONS)
def test_anonymous_is_sent_to_login_and_nothing_changes(
    world: World, action: str, data: dict[str, Any]
) -> None:
    ticket = world.ticket()
    before = _snapshot(ticket)

    response = _post(Client(), ticket, action, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert _snapshot(ticket) == before


@pytest.mark.parametrize("action", [a for a, _ in ACTIONS])
def test_actions_refuse_get(world: World, action: str) -> None:
    ticket = world.ticket()

    response = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/{action}/")

    assert response.status_code == 405
