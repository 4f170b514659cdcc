"""``sla_preview`` (API) and the SLA simulator page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongdan.sla.models import BusinessCalendar, SlaPolicy
from gongdan.testing import World


@pytest.fixture
def calendar(china: BusinessCalendar) -> BusinessCalendar:
    china.is_default = True
    china.save()
    return china


def test_preview_with_explicit_targets_in_business_time(
    world: World, api: Any, calendar: BusinessCalendar
) -> None:
    response = api.as_(world.agent).post(
        "/sla/preview",
        {
            "start": "2026-09-30T17:00:00",  # naive: Asia/Shanghai
            "targets": {"first_response": 60, "resolution": 480},
            "mode": "business",
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["calendar"] == calendar.code and body["mode"] == "business"
    dues = {d["target"]: d["due_at"] for d in body["dues"]}
    # 2026's National Day holiday (1–7 Oct) is skipped.
    assert dues["first_response"].startswith("2026-09-30T18:00:00")
    assert set(dues) == {"first_response", "resolution"}


def test_preview_of_a_policy_in_calendar_time(world: World, api: Any) -> None:
    policy = SlaPolicy.objects.create(name="7×24", business_time=False, resolution_minutes=240)

    body = (
        api.as_(world.supervisor)
        .post("/sla/preview", {"start": "2026-11-21T22:00:00+08:00", "policy": policy.pk})
        .json()
    )

    assert body["mode"] == "calendar" and body["calendar"] is None
    assert body["dues"] == [
        {"target": "resolution", "minutes": 240, "due_at": "2026-11-22T02:00:00+08:00"}
    ]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"start": "2026-11-23T09:00:00"}, "sla.no_targets"),
        ({"start": "2026-11-23T09:00:00", "targets": {"resolution": 0}}, "sla.invalid_target"),
        (
            {"start": "2026-11-23T09:00:00", "targets": {"resolution": 60}, "calendar": "nope"},
            "calendar.not_found",
        ),
        ({"start": "not a date", "targets": {"resolution": 60}}, "validation_error"),
        ({"start": "2026-11-23T09:00:00", "policy": 99999}, "invalid_reference"),
        (
            {"start": "2026-11-23T09:00:00", "targets": {"resolution": 60}, "extra": 1},
            "validation_error",
        ),
    ],
)
def test_bad_preview_input_is_a_clear_4xx(
    world: World, api: Any, calendar: BusinessCalendar, payload: dict, code: str
) -> None:
    response = api.as_(world.agent).post("/sla/preview", payload)

    assert 400 <= response.status_code < 500
    assert response.json()["code"].startswith(code.split(".")[0])


def test_without_a_calendar_business_time_is_refused(world: World, api: Any) -> None:
    response = api.as_(world.agent).post(
        "/sla/preview", {"start": "2026-11-23T09:00:00", "targets": {"resolution": 60}}
    )
    assert (response.status_code, response.json()["code"]) == (422, "sla.no_calendar")


def test_customers_and_anonymous_callers_cannot_preview(world: World, api: Any) -> None:
    payload = {"start": "2026-11-23T09:00:00", "targets": {"resolution": 60}, "mode": "calendar"}
    assert api.as_(world.customer).post("/sla/preview", payload).status_code == 403
    assert api.as_(None).post("/sla/preview", payload).status_code == 401


def test_the_simulator_page(world: World, calendar: BusinessCalendar) -> None:
    client = world.client_for(world.supervisor)
    assert client.get("/desk/sla/simulator/").status_code == 200

    page = client.get(
        "/desk/sla/simulator/",
        {"start": "2026-10-10T17:00", "resolution": "480", "mode": "business"},
    )

    assert page.status_code == 200
    html = page.content.decode()
    # Saturday 10 Oct 2026 is a make-up workday: 1 h that day, 7 h on Monday.
    assert "2026-10-12 17:00" in html
    bad = client.get("/desk/sla/simulator/", {"start": "2026-10-10T17:00", "mode": "business"})
    assert bad.status_code == 422
    assert "Choose a policy or give at least one target in minutes." in bad.content.decode()


def test_outsiders_cannot_open_the_simulator(world: World) -> None:
    assert world.client_for(world.customer).get("/desk/sla/simulator/").status_code == 403
    assert Client().get("/desk/sla/simulator/").status_code == 302
