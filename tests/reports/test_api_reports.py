"""/api/v1/reports/*: figures per reader, customers refused, bad input 422 with its code."""

from __future__ import annotations

import pytest

from gongdan.testing import Api, World
from tests.reports.clock import Desk

Q = "period=custom&start=2026-11-01&end=2026-11-30"
OPERATIONS = [
    "/reports/overview",
    "/reports/timeseries",
    "/reports/agents",
    "/reports/stage-dwell",
    "/reports/insight",
    "/reports/live",
]


def _stats(body: dict) -> dict[str, object]:
    return {s["key"]: s["value"] for s in body["stats"]}


def test_overview_for_the_whole_desk(world: World, api: Api, desk: Desk) -> None:
    response = api.as_(world.supervisor).get(f"/reports/overview?{Q}")

    body = response.json()
    assert response.status_code == 200
    assert body["period"] == {
        "start": "2026-11-01",
        "end": "2026-11-30",
        "days": 30,
        "previous_start": "2026-10-02",
        "previous_end": "2026-10-31",
    }
    stats = _stats(body)
    assert (stats["created"], stats["resolved"], stats["frt_mean"]) == (2, 2, 3600.0)
    created = next(s for s in body["stats"] if s["key"] == "created")
    assert created["drill"] == {"created_from": "2026-11-01", "created_to": "2026-11-30"}
    assert body["generated_at"].endswith(("Z", "+08:00"))


def test_a_team_supervisor_and_an_agent_get_their_figures(
    world: World, api: Api, desk: Desk
) -> None:
    lead = _stats(api.as_(desk.field_lead).get(f"/reports/overview?{Q}").json())
    agent = api.as_(world.agent).get(f"/reports/agents?{Q}").json()

    assert (lead["created"], lead["resolved"]) == (1, 1)
    rows = agent["tables"][0]["rows"]
    assert [(r["key"], r["name"], r["resolved"]) for r in rows] == [(world.agent.pk, "agent", 1)]


def test_the_filters_are_the_ticket_list_names(world: World, api: Api, desk: Desk) -> None:
    caller = api.as_(world.supervisor)

    team = _stats(caller.get(f"/reports/overview?{Q}&team={world.field_team.pk}").json())
    channel = _stats(caller.get(f"/reports/overview?{Q}&channel=phone").json())

    assert team["created"] == 1
    assert channel["created"] == 0


def test_timeseries_by_team_per_week(world: World, api: Api, desk: Desk) -> None:
    response = api.as_(world.supervisor).get(
        f"/reports/timeseries?{Q}&metric=resolved&interval=week&group_by=team"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["buckets"][-2:] == ["2026-11-23", "2026-11-30"]
    assert sorted((line["label"], line["values"][-2]) for line in body["lines"]) == sorted(
        [(world.it_team.name, 1), (world.field_team.name, 1)]
    )


@pytest.mark.parametrize("path", OPERATIONS)
def test_every_operation_answers_staff(world: World, api: Api, desk: Desk, path: str) -> None:
    for user in (world.supervisor, desk.field_lead, world.agent):
        assert api.as_(user).get(f"{path}?{Q}").status_code == 200, (user, path)


@pytest.mark.parametrize("path", OPERATIONS)
def test_customers_get_403(world: World, api: Api, path: str) -> None:
    for customer in (world.customer, world.other_customer):
        response = api.as_(customer).get(path)
        assert (response.status_code, response.json()["code"]) == (403, "permission.staff_only")


def test_an_org_admin_reads_their_organizations_overview_only(
    world: World, api: Api, desk: Desk
) -> None:
    caller = api.as_(world.org_admin)
    world.ticket(title="globex", requester=world.other_contact, by=world.agent)

    overview = caller.get(f"/reports/overview?{Q}")
    agents = caller.get(f"/reports/agents?{Q}")

    assert overview.status_code == 200
    assert _stats(overview.json())["created"] == 2  # both acme tickets of November
    assert all(s["drill"] == {} for s in overview.json()["stats"])
    assert agents.status_code == 403


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("period=custom&start=2026-11-30&end=2026-11-01", "report.period_reversed"),
        ("period=custom&start=2020-01-01&end=2026-11-30", "report.period_too_long"),
        ("period=custom&start=2026-11-01", "report.period_required"),
        ("period=fortnight", "report.unknown_period"),
        ("period=custom&start=1.11.2026&end=2026-11-30", "report.invalid_date"),
        ("period=custom&start=9999-12-31&end=9999-12-31", "report.invalid_date"),
        ("channel=fax", "report.unknown_filter"),
        ("priority=asap", "report.unknown_filter"),
        ("metric=happiness", "report.unknown_metric"),
        ("interval=hour", "report.unknown_interval"),
        ("group_by=weather", "report.unknown_group"),
    ],
)
def test_bad_input_is_422_with_its_code(world: World, api: Api, query: str, code: str) -> None:
    response = api.as_(world.supervisor).get(
        f"/reports/timeseries?{query}", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert (response.status_code, response.json()["code"]) == (422, code)
    assert response.json()["message"]


def test_a_bad_period_is_explained_in_chinese(world: World, api: Api) -> None:
    response = api.as_(world.supervisor).get(
        "/reports/overview?period=custom&start=2026-11-30&end=2026-11-01",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.json()["message"] == "时间段的结束早于开始。"


def test_live_figures(world: World, api: Api, desk: Desk) -> None:
    open_one = world.ticket(title="still open")

    body = api.as_(world.supervisor).get("/reports/live").json()

    assert body["totals"] == {"open": 1, "unassigned": 1, "at_risk": 0, "breached": 0}
    assert body["at_risk_window_seconds"] == 3600
    assert [t["team"] for t in body["by_team"]] == [open_one.team_id]
