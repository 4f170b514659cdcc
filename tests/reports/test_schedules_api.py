"""/api/v1/report-schedules: create, list, update, pause, delete, run now; 422s; outsiders."""

from __future__ import annotations

from typing import Any

import pytest

from gongdan.accounts.models import User
from gongdan.audit.models import AuditEvent
from gongdan.channels.choices import Vendor
from gongdan.channels.models import TeamRobot
from gongdan.reports.schedule_models import ReportRun, ReportSchedule
from gongdan.testing import Api, World
from tests.channels.email.conftest import Smtp
from tests.channels.email.conftest import smtp as smtp_server  # noqa: F401 - a real SMTP server
from tests.reports.schedule_fixtures import (  # noqa: F401 - fixtures
    Builds,
    builds_fixture,
    field_supervisor_fixture,
    mail_fixture,
    make_schedule,
)


def _body(**kw: Any) -> dict[str, Any]:
    return {
        "name": "周报 Weekly",
        "report": "overview",
        "filters": {"priority": "high"},
        "period": "last_week",
        "frequency": "weekly",
        "weekday": 0,
        "time_of_day": "08:30",
        "file_format": "both",
        "emails": ["Boss@Example.com"],
        **kw,
    }


def test_a_supervisor_schedules_a_report(api: Api, world: World) -> None:
    response = api.as_(world.supervisor).post("/report-schedules", _body(users=[world.agent.pk]))

    assert response.status_code == 201, response.content
    data = response.json()
    schedule = ReportSchedule.objects.get()
    assert data["id"] == schedule.pk and data["owner"] == world.supervisor.pk
    assert (data["frequency"], data["weekday"], data["time_of_day"]) == ("weekly", 0, "08:30")
    assert data["time_zone"] == "Asia/Shanghai"
    assert data["emails"] == ["boss@example.com"] and data["users"] == [world.agent.pk]
    assert data["filters"] == {"priority": "high"}
    assert data["runs"] == [] and data["is_active"] is True
    assert schedule.next_run_at is not None and schedule.next_run_at.weekday() in (0, 6)
    assert data["next_run_at"].endswith("+08:00") or data["next_run_at"].endswith("Z")
    assert AuditEvent.objects.filter(action="report_schedule.created").count() == 1


BAD = [
    ({"emails": [], "users": [], "robots": []}, "schedule.no_recipients", "users"),
    ({"emails": ["not an address"]}, "schedule.invalid_email", "emails"),
    ({"emails": ["ok@example.com", "a@b"]}, "schedule.invalid_email", "emails"),
    ({"report": "secrets"}, "report.unknown_report", "report"),
    ({"filters": {"colour": "red"}}, "report.unknown_filter", "filters"),
    ({"filters": {"team": "abc"}}, "report.invalid_filter", "filters"),
    ({"filters": {"priority": "super"}}, "report.invalid_filter", "filters"),
    ({"filters": {"channel": "pigeon"}}, "report.invalid_filter", "filters"),
    ({"frequency": "hourly"}, "schedule.unknown_frequency", "frequency"),
    ({"period": "forever"}, "schedule.unknown_period", "period"),
    ({"file_format": "docx"}, "schedule.unknown_format", "file_format"),
    ({"weekday": 7}, "schedule.weekday_out_of_range", "weekday"),
    ({"weekday": None}, "schedule.weekday_out_of_range", "weekday"),
    ({"frequency": "monthly", "day_of_month": 0}, "schedule.day_out_of_range", "day_of_month"),
    ({"frequency": "monthly", "day_of_month": 32}, "schedule.day_out_of_range", "day_of_month"),
    ({"frequency": "monthly"}, "schedule.day_out_of_range", "day_of_month"),
    ({"users": [999999]}, "schedule.unknown_user", "users"),
    ({"robots": [999999]}, "schedule.unknown_robot", "robots"),
    ({"name": "  "}, "schedule.name_required", "name"),
]


@pytest.mark.parametrize(("change", "code", "field"), BAD)
def test_bad_input_is_422_and_nothing_is_saved(
    api: Api, world: World, change: dict[str, Any], code: str, field: str
) -> None:
    response = api.as_(world.supervisor).post("/report-schedules", _body(**change))

    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert field in response.json()["fields"]
    assert ReportSchedule.objects.count() == 0


def test_a_customer_cannot_receive_a_schedule(api: Api, world: World) -> None:
    response = api.as_(world.supervisor).post("/report-schedules", _body(users=[world.customer.pk]))
    assert response.status_code == 422 and response.json()["code"] == "schedule.unknown_user"


def test_the_message_is_translated(api: Api, world: World) -> None:
    caller = api.as_(world.supervisor)
    zh = caller.post(
        "/report-schedules", _body(emails=["x"]), headers={"Accept-Language": "zh-hans"}
    )
    en = caller.post("/report-schedules", _body(emails=["x"]), headers={"Accept-Language": "en"})

    assert en.json()["message"] == "“x” is not a valid email address."
    assert zh.json()["message"] == "“x”不是有效的电子邮件地址。"
    none_zh = caller.post(
        "/report-schedules", _body(emails=[]), headers={"Accept-Language": "zh-hans"}
    )
    assert none_zh.json()["message"] == "请至少添加一个接收者：用户、电子邮件地址或群机器人。"


def test_update_pause_resume_and_delete(api: Api, world: World) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    caller = api.as_(world.supervisor)

    changed = caller.patch(
        f"/report-schedules/{schedule.pk}",
        {"frequency": "monthly", "day_of_month": 31, "time_of_day": "07:00"},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["frequency"], changed.json()["day_of_month"]) == ("monthly", 31)
    assert changed.json()["emails"] == ["a@example.com"]  # untouched

    paused = caller.patch(f"/report-schedules/{schedule.pk}", {"is_active": False})
    assert (paused.json()["is_active"], paused.json()["next_run_at"]) == (False, None)
    resumed = caller.patch(f"/report-schedules/{schedule.pk}", {"is_active": True})
    assert resumed.json()["next_run_at"] is not None

    bad = caller.patch(f"/report-schedules/{schedule.pk}", {"emails": ["nope"]})
    assert bad.status_code == 422
    schedule.refresh_from_db()
    assert schedule.emails == ["a@example.com"]

    assert caller.delete(f"/report-schedules/{schedule.pk}").status_code == 204
    assert not ReportSchedule.objects.exists()


def test_run_now_sends_at_once(
    api: Api,
    world: World,
    mail: Smtp,
    builds: Builds,
    django_capture_on_commit_callbacks: Any,
) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    next_run = schedule.next_run_at

    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(world.supervisor).post(f"/report-schedules/{schedule.pk}/run")

    assert response.status_code == 202, response.content
    run = ReportRun.objects.get()
    assert (response.json()["id"], response.json()["manual"]) == (run.pk, True)
    assert (run.status, run.attempts) == ("sent", 1)
    assert len(mail.to("a@example.com")) == 1
    schedule.refresh_from_db()
    assert schedule.next_run_at == next_run  # its own schedule is unchanged
    detail = api.as_(world.supervisor).get(f"/report-schedules/{schedule.pk}").json()
    assert detail["runs"][0]["status"] == "sent"
    assert detail["runs"][0]["outcomes"][0]["recipient"] == "email:a@example.com"


def test_a_supervisor_lists_their_own_an_admin_all(
    api: Api, world: World, field_supervisor: User
) -> None:
    mine = make_schedule(world.supervisor, name="A", emails=["a@example.com"])
    theirs = make_schedule(field_supervisor, name="B", emails=["b@example.com"])

    own = api.as_(world.supervisor).get("/report-schedules").json()["items"]
    every = api.as_(world.admin).get("/report-schedules").json()["items"]

    assert [s["id"] for s in own] == [mine.pk]
    assert [s["id"] for s in every] == [mine.pk, theirs.pk]


def test_list_queries_do_not_grow(api: Api, world: World, django_assert_num_queries: Any) -> None:
    for i in range(5):
        make_schedule(world.admin, name=f"S{i}", users=[world.agent, world.supervisor])
    caller = api.as_(world.admin)
    caller.get("/report-schedules")  # the token is looked up and cached

    with django_assert_num_queries(3):  # token user, schedules with owners, their users
        response = caller.get("/report-schedules")
    assert len(response.json()["items"]) == 5


@pytest.mark.parametrize("who", ["agent", "customer", "org_admin"])
def test_staff_without_management_and_customers_get_403(api: Api, world: World, who: str) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    caller = api.as_(getattr(world, who))
    before = ReportSchedule.objects.values().get()

    answers = [
        caller.get("/report-schedules"),
        caller.post("/report-schedules", _body()),
        caller.get(f"/report-schedules/{schedule.pk}"),
        caller.patch(f"/report-schedules/{schedule.pk}", {"name": "x"}),
        caller.delete(f"/report-schedules/{schedule.pk}"),
        caller.post(f"/report-schedules/{schedule.pk}/run"),
    ]

    assert [a.status_code for a in answers] == [403] * 6
    assert {a.json()["code"] for a in answers} == {"permission.denied"}
    assert ReportSchedule.objects.values().get() == before
    assert ReportRun.objects.count() == 0


def test_another_supervisor_gets_404_and_changes_nothing(
    api: Api, world: World, field_supervisor: User
) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    caller = api.as_(field_supervisor)
    before = ReportSchedule.objects.values().get()

    answers = [
        caller.get(f"/report-schedules/{schedule.pk}"),
        caller.patch(f"/report-schedules/{schedule.pk}", {"name": "x"}),
        caller.delete(f"/report-schedules/{schedule.pk}"),
        caller.post(f"/report-schedules/{schedule.pk}/run"),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert {a.json()["code"] for a in answers} == {"schedule.not_found"}
    assert ReportSchedule.objects.values().get() == before
    assert ReportRun.objects.count() == 0
    assert caller.get("/report-schedules").json()["items"] == []


def test_anonymous_is_401(api: Api, world: World) -> None:
    assert api.as_(None).get("/report-schedules").status_code == 401


def test_a_supervisor_may_send_only_to_their_teams_robots(
    api: Api, world: World, field_supervisor: User
) -> None:
    it_robot = TeamRobot.objects.create(
        team=world.it_team, vendor=Vendor.WECOM, name="IT 群", webhook_url="https://x.test/r?key=1"
    )
    field_robot = TeamRobot.objects.create(
        team=world.field_team,
        vendor=Vendor.WECOM,
        name="现场群",
        webhook_url="https://x.test/r?key=2",
    )

    theirs = api.as_(field_supervisor).post("/report-schedules", _body(robots=[it_robot.pk]))
    own = api.as_(field_supervisor).post("/report-schedules", _body(robots=[field_robot.pk]))
    admin = api.as_(world.admin).post("/report-schedules", _body(robots=[it_robot.pk]))

    assert theirs.status_code == 422 and theirs.json()["code"] == "schedule.unknown_robot"
    assert own.status_code == 201 and own.json()["robots"] == [field_robot.pk]
    assert admin.status_code == 201 and admin.json()["robots"] == [it_robot.pk]


def test_nulls_in_an_update_clear_lists_and_leave_settings(api: Api, world: World) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"], users=[world.agent])
    caller = api.as_(world.supervisor)

    kept = caller.patch(
        f"/report-schedules/{schedule.pk}",
        {"time_of_day": None, "name": None, "is_active": None, "users": None},
    )
    emptied = caller.patch(f"/report-schedules/{schedule.pk}", {"emails": None})

    assert kept.status_code == 200, kept.content
    assert (kept.json()["time_of_day"], kept.json()["name"]) == ("08:00", schedule.name)
    assert (kept.json()["is_active"], kept.json()["users"]) == (True, [])
    assert emptied.status_code == 422 and emptied.json()["code"] == "schedule.no_recipients"
