"""The ticket page: what staff see, what outsiders do not, and what it costs."""

from __future__ import annotations

import pytest
from django.test import Client

from gongdan.testing import World, upload
from gongdan.tickets import services
from gongdan.tickets.models import Ticket


def _url(ticket: Ticket) -> str:
    return f"/desk/tickets/{ticket.number}/"


def test_agent_sees_header_timeline_and_actions(world: World) -> None:
    ticket = world.ticket(description="第三层打印机 3rd floor")
    services.comment_create(
        actor=world.customer,
        ticket=ticket,
        body="还是不行 still broken",
        attachments=[upload("截图.png", b"\x89PNG")],
    )
    services.comment_create(
        actor=world.agent, ticket=ticket, body="检查驱动 check driver", is_internal=True
    )

    response = world.client_for(world.agent).get(_url(ticket))

    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.number in html
    assert "打印机无法打印 Printer offline" in html
    assert "第三层打印机 3rd floor" in html
    assert "还是不行 still broken" in html
    assert "检查驱动 check driver" in html
    assert "截图.png" in html
    assert "Internal note" in html
    assert 'id="ticket-workspace"' in html
    assert "Take it" in html


def test_htmx_get_returns_only_the_workspace(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.agent).get(_url(ticket), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="ticket-workspace" ')
    assert "<html" not in html


def test_agent_of_another_team_gets_404(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.other_agent).get(_url(ticket))

    assert response.status_code == 404


def test_customer_gets_403_even_for_their_own_ticket(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.customer).get(_url(ticket))

    assert response.status_code == 403


def test_anonymous_is_sent_to_login(world: World) -> None:
    ticket = world.ticket()

    response = Client().get(_url(ticket))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/desk/tickets/{ticket.number}/"


def test_unknown_number_is_404(world: World) -> None:
    response = world.client_for(world.admin).get("/desk/tickets/GD-NOPE/")

    assert response.status_code == 404


def test_script_in_text_is_rendered_escaped(world: World) -> None:
    ticket = world.ticket(title="<b>bold</b> title")
    services.comment_create(actor=world.customer, ticket=ticket, body='<script>alert("x")</script>')

    html = world.client_for(world.agent).get(_url(ticket)).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; title" in html


def _ticket_with_comments(world: World, n: int) -> Ticket:
    ticket = world.ticket()
    for i in range(n):
        author = world.agent if i % 2 else world.customer
        services.comment_create(
            actor=author,
            ticket=ticket,
            body=f"comment {i}",
            is_internal=bool(i % 4 == 1),
            attachments=[upload(f"f{i}.txt", b"x")] if i % 5 == 0 else [],
        )
    return ticket


@pytest.mark.parametrize("n", [5, 50])
def test_ticket_page_costs_the_same_for_5_and_50_comments(
    world: World, n: int, django_assert_num_queries
) -> None:
    ticket = _ticket_with_comments(world, n)
    client = world.client_for(world.agent)
    client.get(_url(ticket))  # the process caches (choice lists, team members) warm up

    # Session, user, ticket, children + merged, links, timeline, attachments, watchers, SLA
    # clocks, reminders, supervisions, tags, the "seen" mark (unread markers): the select
    # boxes' rows come from refdata's cache.
    with django_assert_num_queries(13):
        response = client.get(_url(ticket))

    assert response.status_code == 200
    assert response.content.decode().count("gd-body") == n


def test_relations_panel_follows_every_child_but_opens_only_visible_ones(world: World) -> None:
    parent = world.ticket()
    sibling = world.ticket(title="同一台打印机")
    services.ticket_link(actor=world.agent, ticket=parent, target=sibling, kind="related")
    own_child = services.ticket_create_child(actor=world.agent, parent=parent, title="换硒鼓")
    hidden_child = services.ticket_create_child(
        actor=world.supervisor,
        parent=parent,
        title="上门维修",
        ticket_type=world.repair,
        team=world.field_team,
    )

    html = world.client_for(world.agent).get(f"/desk/tickets/{parent.number}/").content.decode()

    assert f'href="/desk/tickets/{own_child.number}/"' in html
    assert f'href="/desk/tickets/{sibling.number}/"' in html
    assert f'<span class="gd-ticket-number">{hidden_child.number}</span>' in html
    assert "Child tickets done: 0 of 2" in html
    other = world.client_for(world.agent).get(f"/desk/tickets/{hidden_child.number}/")
    assert other.status_code == 404


def test_ticket_page_costs_the_same_with_or_without_watchers(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiet, watched = world.ticket(), world.ticket()
    for person in (world.agent, world.supervisor):
        services.watcher_add(actor=world.agent, ticket=watched, user=person)
    services.watcher_add(actor=world.agent, ticket=watched, contact=world.customer_contact)
    client = world.client_for(world.agent)
    client.get(f"/desk/tickets/{quiet.number}/")  # warm the session

    with CaptureQueriesContext(connection) as without:
        client.get(f"/desk/tickets/{quiet.number}/")
    with CaptureQueriesContext(connection) as with_three:
        response = client.get(f"/desk/tickets/{watched.number}/")

    assert len(with_three) == len(without)
    assert response.content.decode().count('class="text-body-secondary">Staff</span>') == 2


def test_an_edit_from_a_stale_page_is_refused_and_changes_nothing(world: World) -> None:
    ticket = world.ticket()
    stale_version = ticket.version
    services.ticket_update(actor=world.supervisor, ticket=ticket, priority="urgent")
    client = world.client_for(world.agent)

    response = client.post(
        f"/desk/tickets/{ticket.number}/fields/",
        {
            "version": str(stale_version),
            "priority": "low",
            "ticket_type": world.incident.pk,
            "team": world.it_team.pk,
            "tags": "",
        },
        HTTP_HX_REQUEST="true",
    )

    ticket.refresh_from_db()
    assert response.status_code == 409  # explained by tests/tickets/test_collisions.py
    assert "Your change was not saved" in response.content.decode()
    assert (ticket.priority, ticket.version) == ("urgent", stale_version + 1)


def test_the_page_posts_its_version_with_every_edit(world: World) -> None:
    ticket = world.ticket()

    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert html.count(f'name="version" value="{ticket.version}"') >= 4
