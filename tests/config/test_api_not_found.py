"""Under /api/v1/ every answer is the API's JSON error shape, also for a path no operation has
and for a method an operation does not take (Django and ninja would answer HTML / plain text)."""

from __future__ import annotations

import pytest
from django.test import Client

from gongdan.testing import Api, World


@pytest.mark.parametrize(
    "path", ["/nothing-here", "/tickets/GD-1/nothing", "/tickets/", "/users/1/./x"]
)
def test_an_unknown_api_path_is_a_json_404(world: World, api: Api, path: str) -> None:
    response = api.as_(world.agent).get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_an_anonymous_unknown_api_path_is_a_json_404_too(db: None) -> None:
    response = Client().post("/api/v1/nothing-here", data="{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_method_an_operation_does_not_take_is_a_json_405_with_allow(
    world: World, api: Api
) -> None:
    response = api.as_(world.agent).put("/me", {"role": "admin"})

    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "This operation does not accept PUT.",
        "fields": {},
    }
    assert response["Allow"] == "GET"


def test_the_404_message_follows_the_language(db: None) -> None:
    response = Client(headers={"Accept-Language": "zh-hans"}).get("/api/v1/nothing-here")

    assert response.json()["message"] == "未找到。"


def test_pages_outside_the_api_keep_their_html_404(db: None) -> None:
    response = Client().get("/desk/nothing-here-either/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
