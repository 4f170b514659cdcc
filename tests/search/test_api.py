"""GET /api/v1/search (search_query): shape, paging and errors as {code, message, fields}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


def test_results_are_typed_with_snippets(world: Any, api: Any, live: Callable[[], Any]) -> None:
    with live():
        ticket = world.ticket(title="VPN 连不上", description="家里连不上公司 VPN")

    body = api.as_(world.agent).get("/search", data={"q": "vpn 连不上", "kind": "ticket"}).json()

    assert body["query"] == "vpn 连不上" and body["jump"] is None and body["next_offset"] is None
    [item] = body["items"]
    assert item["kind"] == "ticket" and item["id"] == ticket.pk
    assert (item["number"], item["status"], item["title"]) == (ticket.number, "new", "VPN 连不上")
    assert item["snippet"] == "家里<mark>连不上</mark>公司 <mark>VPN</mark>"
    assert item["url"] == f"/desk/tickets/{ticket.number}/" and item["score"] > 0


def test_a_ticket_number_comes_back_as_a_jump(
    world: Any, api: Any, live: Callable[[], Any]
) -> None:
    with live():
        ticket = world.ticket()

    body = api.as_(world.customer).get("/search", data={"q": ticket.number}).json()

    assert body["jump"] == {
        "kind": "ticket",
        "id": ticket.pk,
        "label": f"{ticket.number} {ticket.title}",
        "url": f"/portal/tickets/{ticket.number}/",
    }


def test_limit_and_offset_page_the_results(world: Any, api: Any, live: Callable[[], Any]) -> None:
    for i in range(3):
        with live():
            world.ticket(title=f"鼠标不灵 {i}")

    first = api.as_(world.admin).get("/search", data={"q": "鼠标", "limit": 2}).json()
    rest = api.as_(world.admin).get("/search", data={"q": "鼠标", "limit": 2, "offset": 2}).json()

    assert len(first["items"]) == 2 and first["next_offset"] == 2
    assert len(rest["items"]) == 1 and rest["next_offset"] is None


def test_bad_input_is_a_4xx_with_a_code(world: Any, api: Any) -> None:
    caller = api.as_(world.agent)
    cases = {
        "missing q": ({}, 422, "validation_error"),
        "blank q": ({"q": "   "}, 422, "search.empty_query"),
        "long q": ({"q": "x" * 201}, 422, "validation_error"),
        "kind": ({"q": "x", "kind": "planet"}, 422, "validation_error"),
        "limit": ({"q": "x", "limit": 0}, 422, "validation_error"),
        "offset": ({"q": "x", "offset": -1}, 422, "validation_error"),
        "date": ({"q": "x", "created_from": "2026-13-40"}, 422, "validation_error"),
        "status": ({"q": "x", "status": "sleeping"}, 422, "validation_error"),
        "huge id": ({"q": "x", "team": 2**70}, 200, None),
        "nul": ({"q": "x\x00"}, 200, None),
    }
    for name, (params, status, code) in cases.items():
        response = caller.get("/search", data=params)
        assert response.status_code == status, name
        if code:
            assert response.json()["code"] == code, name


def test_customers_may_not_search_people(world: Any, api: Any) -> None:
    response = api.as_(world.customer).get("/search", data={"q": "acme", "kind": "contact"})

    assert response.status_code == 403
    assert response.json()["code"] == "permission.staff_only"


def test_anonymous_callers_get_401(world: Any) -> None:
    response = Client().get("/api/v1/search", {"q": "vpn"})

    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "打印机", "created_to": "9999-12-31"},
        {"q": "打印机", "created_from": "0001-01-01", "created_to": "9999-12-31"},
        {"q": "打印机", "organization": "9223372036854775808"},
        {"q": "打印机", "team": "-1"},
        {"q": "100% _打印机_ \\ ' \" ; --"},
        {"q": "😀 打印机 ＶＰＮ"},
    ],
)
def test_hostile_input_never_reaches_the_database_as_an_error(
    world: Any, api: Any, live: Callable[[], Any], params: dict[str, str]
) -> None:
    with live():
        world.ticket(title="打印机坏了")

    response = api.as_(world.agent).get("/search", data=params)

    assert response.status_code == 200, response.content
