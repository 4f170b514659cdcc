"""Collisions people understand: a refused save says who changed what since the page was
opened (never a version number) and offers the change again; a reply that crosses a new
customer message warns before it is sent."""

from __future__ import annotations

import re

import pytest

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.models import Comment, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def _seen(ticket: Ticket) -> str:
    return str(
        TimelineEntry.objects.filter(ticket=ticket).order_by("-pk").values_list("pk", flat=True)[0]
    )


def test_a_stale_save_names_who_changed_what_and_offers_the_change_again(world: World) -> None:
    ticket = world.ticket()
    page_version, seen = ticket.version, _seen(ticket)
    world.supervisor.display_name = "王伟"
    world.supervisor.save()
    services.ticket_update(actor=world.supervisor, ticket=ticket, priority="urgent")
    services.comment_create(actor=world.customer, ticket=ticket, body="还是打不出来")

    response = world.client_for(world.agent).post(
        f"/desk/tickets/{ticket.number}/status/",
        {"version": str(page_version), "seen": seen, "to": "in_progress"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    html = response.content.decode()
    conflict = html[
        html.index('data-testid="conflict"') : html.index('data-testid="conflict-discard"')
    ]
    assert "Your change was not saved (the status)" in conflict
    changes = conflict[conflict.index("conflict-changes") :]
    assert "王伟" in changes and "priority" in changes.lower()  # who, and what
    assert "customer" in changes and "wrote a reply" in changes
    assert "version" not in re.sub(r'name="version"|value="\d+"', "", conflict).lower()
    ticket.refresh_from_db()
    assert ticket.status != "in_progress"
    # The change is ready to apply again on the ticket as it is now.
    assert f'name="version" value="{ticket.version}"' in conflict
    assert 'name="to" value="in_progress"' in conflict
    assert "csrfmiddlewaretoken" in conflict


def test_applying_the_change_again_saves_it(world: World) -> None:
    ticket = world.ticket()
    services.ticket_update(actor=world.supervisor, ticket=ticket, priority="urgent")
    ticket.refresh_from_db()

    response = world.client_for(world.agent).post(
        f"/desk/tickets/{ticket.number}/status/",
        {"version": str(ticket.version), "seen": _seen(ticket), "to": "in_progress"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_without_seen_the_conflict_shows_the_latest_changes_of_others(world: World) -> None:
    ticket = world.ticket()
    stale = ticket.version
    services.ticket_update(actor=world.supervisor, ticket=ticket, priority="urgent")
    response = world.client_for(world.agent).post(
        f"/desk/tickets/{ticket.number}/assign/",
        {"version": str(stale), "take": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Your change was not saved (the assignee)" in html
    assert "supervisor" in html[html.index("conflict-changes") :]


def test_a_reply_that_crosses_a_new_customer_message_warns_and_sends_nothing(
    world: World,
) -> None:
    ticket = world.ticket()
    seen = _seen(ticket)
    services.comment_create(actor=world.customer, ticket=ticket, body="我又试了一次，还是不行")
    client = world.client_for(world.agent)
    before = Comment.objects.filter(ticket=ticket).count()

    response = client.post(
        f"/desk/tickets/{ticket.number}/reply/",
        {"kind": "reply", "body": "请重启打印机", "seen": seen},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    html = response.content.decode()
    warning = html[html.index('data-testid="reply-warning"') :]
    assert "The customer wrote again since you opened this ticket." in warning
    assert "我又试了一次，还是不行" in warning
    assert "请重启打印机" in html  # the agent's text is kept in the composer
    assert Comment.objects.filter(ticket=ticket).count() == before

    sent = client.post(
        f"/desk/tickets/{ticket.number}/reply/",
        {"kind": "reply", "body": "请重启打印机", "seen": seen, "confirm_send": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert sent.status_code == 200
    assert Comment.objects.filter(ticket=ticket).count() == before + 1


def test_no_warning_for_notes_for_staff_messages_or_when_nothing_new(world: World) -> None:
    ticket = world.ticket()
    seen = _seen(ticket)
    services.comment_create(actor=world.supervisor, ticket=ticket, body="我来看看")
    client = world.client_for(world.agent)
    url = f"/desk/tickets/{ticket.number}/reply/"
    assert client.post(url, {"kind": "reply", "body": "好的", "seen": seen}).status_code == 302
    services.comment_create(actor=world.customer, ticket=ticket, body="在吗？")
    assert client.post(url, {"kind": "note", "body": "客户在催", "seen": seen}).status_code == 302
    assert (
        client.post(url, {"kind": "reply", "body": "在的", "seen": _seen(ticket)}).status_code
        == 302
    )
