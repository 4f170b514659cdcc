"""Inputs that used to reach the database and fail there now get a clear 4xx."""

import pytest

from gongdan.testing import World


@pytest.mark.parametrize(
    "query",
    [
        "created_to=9999-12-31",
        "created_from=0001-01-01",
        "updated_to=9999-12-31",
        "updated_from=0001-01-01&updated_to=9999-12-31",
    ],
)
def test_calendar_edge_dates_are_clamped(world: World, query: str) -> None:
    world.ticket()

    response = world.client_for(world.agent).get(f"/api/v1/tickets?{query}")

    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


@pytest.mark.parametrize("field", ["team", "requester", "organization", "category"])
def test_ids_beyond_64_bits_match_nothing(world: World, field: str) -> None:
    world.ticket()

    response = world.client_for(world.agent).get(f"/api/v1/tickets?{field}=9223372036854775808")

    assert response.status_code in {200, 422}
    if response.status_code == 200:
        assert response.json()["items"] == []


def test_a_cursor_with_an_overflowing_date_is_a_bad_cursor(world: World) -> None:
    import base64
    import json

    raw = json.dumps(["9999-12-31T23:59:59-14:00", 1]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")

    response = world.client_for(world.agent).get(f"/api/v1/tickets?cursor={cursor}")

    assert (response.status_code, response.json()["code"]) == (400, "pagination.bad_cursor")


def test_null_characters_are_refused_in_bodies(world: World) -> None:
    client = world.client_for(world.customer)

    response = client.post(
        "/api/v1/tickets", {"title": "a\u0000b"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"title": "Null characters are not allowed."}


def test_null_characters_in_filters_do_not_reach_the_database(world: World) -> None:
    response = world.client_for(world.agent).get("/api/v1/tickets?tag=a%00b")

    assert response.status_code == 200


def test_an_empty_upload_is_refused(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = world.ticket()
    empty = SimpleUploadedFile("empty.txt", b"")

    response = world.client_for(world.customer).post(
        f"/api/v1/tickets/{ticket.number}/attachments", {"file": empty}
    )

    assert (response.status_code, response.json()["code"]) == (422, "attachment.empty")
    assert ticket.attachments.count() == 0


def test_workspace_list_survives_edge_dates(world: World) -> None:
    response = world.client_for(world.agent).get(
        "/desk/tickets/?view=all&created_to=9999-12-31&created_from=0001-01-01"
    )

    assert response.status_code == 200
