"""The ticket list: views with counts, filters, sorting, keyset pages, htmx partials, query cost."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Priority, Status

URL = "/desk/tickets/"


def _numbers(html: str) -> list[str]:
    return re.findall(r'class="gd-ticket-number" href="/desk/tickets/([^/]+)/"', html)


def _count(html: str, view: str) -> str:
    pattern = (
        rf'href="/desk/tickets/\?view={view}"[^>]*>\s*<span>[^<]*</span>\s*'
        r'<span class="[^"]*gd-view-count">(\d+)<'
    )
    match = re.search(pattern, html)
    assert match is not None
    return match.group(1)


def test_default_view_is_my_open_tickets(world: World) -> None:
    mine = world.ticket(title="mine")
    services.ticket_assign(actor=world.agent, ticket=mine, assignee=world.agent)
    world.ticket(title="queue")

    response = world.client_for(world.agent).get(URL)

    assert response.status_code == 200
    assert _numbers(response.content.decode()) == [mine.number]


def test_view_tabs_show_counts(world: World) -> None:
    mine = world.ticket()
    services.ticket_assign(actor=world.agent, ticket=mine, assignee=world.agent)
    world.ticket()
    world.ticket()

    html = world.client_for(world.agent).get(URL).content.decode()

    assert (_count(html, "mine"), _count(html, "unassigned"), _count(html, "pending")) == (
        "1",
        "2",
        "0",
    )
    assert "?view=open" not in html  # "all open" is a supervisors' view


def test_supervisor_gets_the_all_open_view(world: World) -> None:
    world.ticket()
    world.ticket(ticket_type=world.repair)

    html = world.client_for(world.supervisor).get(URL, {"view": "open"}).content.decode()

    assert _count(html, "open") == "2"
    assert len(_numbers(html)) == 2


def test_agent_never_lists_another_teams_tickets(world: World) -> None:
    it = world.ticket()
    world.ticket(ticket_type=world.repair)  # Field team's

    html = world.client_for(world.agent).get(URL, {"view": "all"}).content.decode()

    assert _numbers(html) == [it.number]


def test_filters_narrow_the_list(world: World) -> None:
    urgent = world.ticket(title="urgent", priority=Priority.URGENT)
    world.ticket(title="normal")
    world.ticket(title="tagged", by=world.agent, tags=["vip"])

    client = world.client_for(world.supervisor)
    by_priority = client.get(URL, {"view": "all", "priority": "urgent"}).content.decode()
    by_tag = client.get(URL, {"view": "all", "tag": "vip"}).content.decode()
    by_status = client.get(URL, {"view": "all", "status": ["resolved"]}).content.decode()

    assert _numbers(by_priority) == [urgent.number]
    assert len(_numbers(by_tag)) == 1
    assert _numbers(by_status) == []


def test_invalid_filter_values_are_ignored(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.supervisor).get(
        URL,
        {
            "view": "all",
            "priority": "bogus",
            "created_from": "yesterday",
            "team": "x",
            "cursor": "!!!",
        },
    )

    assert response.status_code == 200
    assert _numbers(response.content.decode()) == [ticket.number]


def test_sorting_by_priority(world: World) -> None:
    low = world.ticket(priority=Priority.LOW)
    urgent = world.ticket(priority=Priority.URGENT)
    normal = world.ticket()

    html = (
        world.client_for(world.supervisor)
        .get(URL, {"view": "all", "sort": "-priority"})
        .content.decode()
    )

    assert _numbers(html) == [urgent.number, normal.number, low.number]


def test_a_single_page_has_no_paging_links(world: World) -> None:
    tickets = [world.ticket(title=f"t{i}") for i in range(3)]

    html = world.client_for(world.supervisor).get(URL, {"view": "all", "size": "10"}).content
    html = html.decode()

    assert _numbers(html) == [t.number for t in reversed(tickets)]
    assert ('rel="next"' in html, 'rel="prev"' in html) == (False, False)


def test_next_and_previous_links(world: World) -> None:
    tickets = [world.ticket(title=f"t{i}") for i in range(12)]
    newest_first = [t.number for t in reversed(tickets)]
    client = world.client_for(world.supervisor)

    html = client.get(URL, {"view": "all", "size": "10"}).content.decode()
    next_href = re.search(r'rel="next" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    page2 = client.get(f"{URL}?{next_href}").content.decode()
    prev_href = re.search(r'rel="prev" href="\?([^"]+)"', page2).group(1).replace("&amp;", "&")
    back = client.get(f"{URL}?{prev_href}").content.decode()

    assert _numbers(html) == newest_first[:10]
    assert _numbers(page2) == newest_first[10:]
    assert _numbers(back) == newest_first[:10]


def test_htmx_filter_change_swaps_only_the_results(world: World) -> None:
    world.ticket()

    response = world.client_for(world.supervisor).get(
        URL, {"view": "all"}, headers={"HX-Request": "true", "HX-Target": "ticket-results"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="ticket-results">')
    assert "gd-view-count" not in html


def test_customer_gets_403(world: World) -> None:
    response = world.client_for(world.customer).get(URL)

    assert response.status_code == 403


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(URL)

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/desk/tickets/",
    )


def test_desk_root_redirects_to_the_list(world: World) -> None:
    response = world.client_for(world.agent).get("/desk/")

    assert (response.status_code, response["Location"]) == (302, URL)


@pytest.mark.parametrize("size", [10, 50])
def test_list_costs_the_same_whatever_the_page_size(
    world: World, size: int, django_assert_num_queries
) -> None:
    for i in range(size):
        ticket = world.ticket(
            title=f"t{i}", by=world.agent, tags=["a", "b"], assignee=world.agent if i % 2 else None
        )
        if i % 3 == 0:
            services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    client = world.client_for(world.agent)
    client.get(URL)  # the process caches (the filter form's choice lists) warm up

    # Session, user, the page and the lookups of its rows; memberships, counters and watched
    # tickets for the tab counts; saved views; the list preferences, the sidebar's teams and the
    # unread markers. The filter form's choices come from refdata.
    with django_assert_num_queries(15):
        response = client.get(URL, {"view": "all", "size": str(size)})

    assert len(_numbers(response.content.decode())) == size


def test_filter_panel_opens_only_when_a_filter_is_set(world: World) -> None:
    client = world.client_for(world.agent)

    tab = client.get(URL, {"view": "open", "sort": "-created"}).content.decode()
    filtered = client.get(URL, {"view": "open", "priority": "urgent"}).content.decode()

    assert '<details class="mb-3 gd-filters">' in tab
    assert '<details class="mb-3 gd-filters" open>' in filtered
