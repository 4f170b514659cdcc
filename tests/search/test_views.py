"""The workspace search page, the top bar's menu, the portal page, and their query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gongdan.customers.services import contact_create
from gongdan.tickets.models import Ticket

MENU = {"HX-Request": "true", "HX-Target": "gd-search-menu"}


@pytest.fixture
def tickets(world: Any, live: Callable[[], Any]) -> list[Ticket]:
    made = []
    for i in range(3):
        with live():
            made.append(world.ticket(title=f"无线网络 断线 {i}", description="Wi-Fi <b>断开</b>"))
    return made


def test_the_workspace_top_bar_has_an_as_you_type_search_box(world: Any) -> None:
    html = world.client_for(world.agent).get("/desk/tickets/").content.decode()

    assert 'hx-get="/desk/search/"' in html
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-target="#gd-search-menu"' in html


def test_the_results_page_lists_highlighted_escaped_hits(world: Any, tickets: list[Ticket]) -> None:
    response = world.client_for(world.agent).get("/desk/search/", {"q": "断线"})

    html = response.content.decode()
    assert response.status_code == 200
    assert all(t.number in html for t in tickets)
    assert "无线网络 <mark>断线</mark>" in html and "&lt;b&gt;" in html and "<b>断开" not in html


def test_the_menu_is_a_fragment_with_a_link_to_all_results(
    world: Any, tickets: list[Ticket]
) -> None:
    response = world.client_for(world.agent).get("/desk/search/", {"q": "断线"}, headers=MENU)

    html = response.content.decode()
    assert "<html" not in html and "dropdown-menu" in html
    assert f'href="/desk/tickets/{tickets[0].number}/"' in html
    assert "/desk/search/?q=%E6%96%AD%E7%BA%BF" in html


def test_an_empty_menu_query_renders_nothing(world: Any) -> None:
    response = world.client_for(world.agent).get("/desk/search/", {"q": " "}, headers=MENU)

    assert response.status_code == 200 and response.content.decode().strip() == ""


def test_filter_changes_swap_only_the_results(world: Any, tickets: list[Ticket]) -> None:
    headers = {"HX-Request": "true", "HX-Target": "search-results"}
    response = world.client_for(world.agent).get(
        "/desk/search/", {"q": "断线", "status": "closed"}, headers=headers
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results">')
    assert "Nothing found" in html


def test_a_ticket_number_redirects_to_the_ticket(world: Any, tickets: list[Ticket]) -> None:
    number = tickets[0].number

    desk = world.client_for(world.agent).get("/desk/search/", {"q": number})
    portal = world.client_for(world.customer).get("/portal/search/", {"q": number})
    outsider = world.client_for(world.other_customer).get("/portal/search/", {"q": number})

    assert (desk.status_code, desk["Location"]) == (302, f"/desk/tickets/{number}/")
    assert (portal.status_code, portal["Location"]) == (302, f"/portal/tickets/{number}/")
    assert outsider.status_code == 200 and "gd-search-hits" not in outsider.content.decode()


def test_invalid_form_input_is_shown_not_raised(world: Any) -> None:
    client = world.client_for(world.agent)

    bad_date = client.get("/desk/search/", {"q": "x", "created_from": "2026-99-99"})
    too_long = client.get("/desk/search/", {"q": "长" * 300})
    bad_kind = client.get("/desk/search/", {"q": "x", "kind": "planet"})

    assert {bad_date.status_code, too_long.status_code, bad_kind.status_code} == {200}
    assert "invalid-feedback" in bad_date.content.decode()


def test_people_hits_link_to_their_tickets(world: Any, live: Callable[[], Any]) -> None:
    with live():
        person = contact_create(actor=world.agent, name="赵六", email="zl@acme.test")

    html = world.client_for(world.agent).get("/desk/search/", {"q": "zhaoliu"}).content.decode()

    assert f"/desk/tickets/?view=all&amp;requester={person.pk}" in html


def test_anonymous_portal_visitors_are_sent_to_sign_in(world: Any) -> None:
    response = Client().get("/portal/search/", {"q": "x"})

    assert response.status_code == 302 and "/portal/login/" in response["Location"]


def _count_queries(
    client: Client, url: str, q: str, django_assert_num_queries: Any, n: int
) -> None:
    client.get(url, {"q": q})  # warm the per-process caches (segmenter, ticket types)
    # + how many documents match (backends.candidate_window), or for a customer the documents
    # they could find (selectors._customer_documents)
    n += 1
    with django_assert_num_queries(n):
        assert client.get(url, {"q": q}).status_code == 200


@pytest.mark.parametrize("extra", [0, 6])
def test_the_results_page_costs_the_same_queries_whatever_it_shows(
    world: Any, live: Callable[[], Any], django_assert_num_queries: Any, extra: int
) -> None:
    for i in range(3 + extra):
        with live():
            world.ticket(title=f"耳机没有声音 {i}")
    with live():
        contact_create(actor=world.agent, name="耳机 供应商", email="ej@acme.test")

    # session, user, search (visibility inlined), documents, tickets, contacts, the filter
    # form's types and teams
    client = world.client_for(world.agent)
    _count_queries(client, "/desk/search/", "耳机", django_assert_num_queries, 8)


@pytest.mark.parametrize("extra", [0, 6])
def test_the_portal_results_cost_the_same_queries_whatever_they_show(
    world: Any, live: Callable[[], Any], django_assert_num_queries: Any, extra: int
) -> None:
    for i in range(3 + extra):
        with live():
            world.ticket(title=f"耳机没有声音 {i}")

    # session, user, contact (visibility), search, documents, tickets
    client = world.client_for(world.customer)
    _count_queries(client, "/portal/search/", "耳机", django_assert_num_queries, 6)
