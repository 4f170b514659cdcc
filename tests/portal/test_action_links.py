"""The confirm / reopen links of a resolution mail: signed, bound to the recipient and to the
resolution they answer, harmless to open, acting only on POST."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from gongdan.channels.email.outbound import render
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Ticket
from gongdan.tickets.services.action_links import action_link


def _resolved(world: World, ticket: Ticket | None = None) -> Ticket:
    ticket = ticket or world.ticket()
    if ticket.status != Status.IN_PROGRESS:
        ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    return services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_resolution_mail_carries_both_links_and_confirm_closes_as_the_customer(
    world: World,
) -> None:
    ticket = _resolved(world)
    body = render(world.customer, "ticket.status_changed", ticket, {"new": "resolved"}).text
    links = re.findall(r"https?://\S+/portal/act/\S+/", body)
    confirm = _path(links[0])
    anonymous = Client()

    shown = anonymous.get(confirm)
    ticket.refresh_from_db()
    assert len(links) == 2 and shown.status_code == 200 and ticket.status == Status.RESOLVED

    done = anonymous.post(confirm)
    ticket.refresh_from_db()
    assert done.status_code == 200 and 'data-testid="act-done"' in done.content.decode()
    assert ticket.status == Status.CLOSED
    entry = ticket.timeline.filter(kind=TimelineKind.STATUS_CHANGED).latest("id")
    assert entry.actor == world.customer

    again = anonymous.post(confirm)  # nothing left to confirm: refused, nothing changes
    ticket.refresh_from_db()
    assert again.status_code in (409, 422) and ticket.status == Status.CLOSED


def test_reopen_needs_a_reason_and_then_reopens(world: World) -> None:
    ticket = _resolved(world)
    link = _path(action_link(user=world.customer, ticket=ticket, action="reopen"))

    empty = Client().post(link, {"reason": ""})
    ticket.refresh_from_db()
    assert empty.status_code == 422 and ticket.status == Status.RESOLVED

    reopened = Client().post(link, {"reason": "打印机还是不能用"})
    ticket.refresh_from_db()
    assert reopened.status_code == 200 and ticket.status == Status.REOPENED


def test_a_link_from_an_earlier_resolution_stops_working(world: World) -> None:
    ticket = _resolved(world)
    old = _path(action_link(user=world.customer, ticket=ticket, action="confirm"))
    ticket = services.ticket_transition(
        actor=world.customer, ticket=ticket, to=Status.REOPENED, comment="没修好"
    )
    ticket = _resolved(world, ticket)

    response = Client().post(old)

    ticket.refresh_from_db()
    assert response.status_code == 404 and ticket.status == Status.RESOLVED


def test_forged_expired_or_foreign_links_do_nothing(world: World, settings: Any) -> None:
    ticket = _resolved(world)
    good = _path(action_link(user=world.customer, ticket=ticket, action="confirm"))
    forged = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    # A link made for someone who cannot see the ticket (another organization's customer).
    foreign = _path(action_link(user=world.other_customer, ticket=ticket, action="confirm"))

    codes = [Client().post(forged).status_code, Client().post(foreign).status_code]
    settings.GONGDAN_ACTION_LINK_DAYS = 0  # every link has expired
    codes.append(Client().post(good).status_code)

    ticket.refresh_from_db()
    assert codes == [404, 404, 404] and ticket.status == Status.RESOLVED


def test_staff_get_no_action_links(world: World) -> None:
    ticket = _resolved(world)
    body = render(world.agent, "ticket.status_changed", ticket, {"new": "resolved"}).text
    assert "/portal/act/" not in body
