"""/desk/reports/schedules/: list, create, edit, pause/resume, run now, delete; outsiders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.models import User
from gongdan.reports.schedule_models import ReportRun, ReportSchedule
from gongdan.testing import World
from tests.reports.schedule_fixtures import field_supervisor_fixture, make_schedule  # noqa: F401

BASE = "/desk/reports/schedules/"


def _form(**kw: Any) -> dict[str, Any]:
    return {
        "name": "月报 Monthly",
        "report": "overview",
        "period": "last_month",
        "frequency": "monthly",
        "day_of_month": "31",
        "time_of_day": "07:00",
        "file_format": "pdf",
        "emails": "boss@example.com\nops@example.com",
        "is_active": "on",
        **kw,
    }


def _client(world: World, user: User, language: str = "en") -> Client:
    client = world.client_for(user)
    client.cookies["django_language"] = language
    return client


def test_create_edit_pause_and_delete(world: World) -> None:
    client = _client(world, world.supervisor)

    assert client.get(BASE + "new/").status_code == 200
    created = client.post(BASE + "new/", _form(users=[world.agent.pk], team=world.it_team.pk))
    assert created.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert created["Location"] == f"{BASE}{schedule.pk}/"
    assert schedule.emails == ["boss@example.com", "ops@example.com"]
    assert schedule.filters == {"team": world.it_team.pk}
    assert list(schedule.users.all()) == [world.agent]
    assert (schedule.frequency, schedule.day_of_month, schedule.file_format) == (
        "monthly",
        31,
        "pdf",
    )

    page = client.get(f"{BASE}{schedule.pk}/")
    assert page.status_code == 200 and "Not sent yet." in page.content.decode()
    listing = client.get(BASE).content.decode()
    assert f'data-id="{schedule.pk}"' in listing

    edit = client.get(f"{BASE}{schedule.pk}/edit/")
    assert edit.status_code == 200 and "ops@example.com" in edit.content.decode()
    saved = client.post(f"{BASE}{schedule.pk}/edit/", _form(name="新名字", frequency="daily"))
    assert saved.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.name, schedule.frequency, schedule.day_of_month) == ("新名字", "daily", None)

    client.post(f"{BASE}{schedule.pk}/toggle/")
    schedule.refresh_from_db()
    assert (schedule.is_active, schedule.next_run_at) == (False, None)
    client.post(f"{BASE}{schedule.pk}/toggle/")
    schedule.refresh_from_db()
    assert schedule.is_active and schedule.next_run_at is not None

    assert client.post(f"{BASE}{schedule.pk}/run/").status_code == 302
    assert ReportRun.objects.filter(schedule=schedule, manual=True).count() == 1

    assert client.post(f"{BASE}{schedule.pk}/delete/").status_code == 302
    assert not ReportSchedule.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"emails": ""}, "Add at least one recipient: a user, an email address or a group robot."),
        ({"emails": "boss@"}, "“boss@” is not a valid email address."),
        ({"day_of_month": "32"}, "Choose a day of the month from 1 to 31"),
        ({"frequency": "weekly"}, "Choose a weekday from 0 (Monday) to 6 (Sunday)."),
    ],
)
def test_bad_form_is_422_with_the_message_and_saves_nothing(
    world: World, change: dict[str, str], message: str
) -> None:
    response = _client(world, world.supervisor).post(BASE + "new/", _form(**change))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ReportSchedule.objects.exists()


def test_the_page_is_in_chinese(world: World) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    page = _client(world, world.supervisor, "zh-hans").get(f"{BASE}{schedule.pk}/")
    text = page.content.decode()
    assert "最近的发送" in text and "立即发送" in text


def test_failures_are_shown_on_the_schedule_page(world: World) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    ReportRun.objects.create(
        schedule=schedule,
        due_at=datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
        period_start="2026-12-06",
        period_end="2026-12-06",
        status="retrying",
        attempts=1,
        error="email:a@example.com: SMTPRecipientsRefused",
        outcomes={"email:a@example.com": {"ok": False, "error": "SMTPRecipientsRefused", "at": ""}},
    )

    text = _client(world, world.supervisor).get(f"{BASE}{schedule.pk}/").content.decode()

    assert 'data-status="retrying"' in text and "SMTPRecipientsRefused" in text
    assert "Failed, will retry" in text


@pytest.mark.parametrize("who", ["agent", "customer", "org_admin"])
def test_outsiders_get_403_and_change_nothing(world: World, who: str) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    client = _client(world, getattr(world, who))
    before = ReportSchedule.objects.values().get()

    answers = [
        client.get(BASE),
        client.get(BASE + "new/"),
        client.post(BASE + "new/", _form()),
        client.get(f"{BASE}{schedule.pk}/"),
        client.post(f"{BASE}{schedule.pk}/edit/", _form(name="x")),
        client.post(f"{BASE}{schedule.pk}/toggle/"),
        client.post(f"{BASE}{schedule.pk}/run/"),
        client.post(f"{BASE}{schedule.pk}/delete/"),
    ]

    assert [a.status_code for a in answers] == [403] * 8
    assert ReportSchedule.objects.values().get() == before
    assert ReportRun.objects.count() == 0


def test_another_supervisor_gets_404(world: World, field_supervisor: User) -> None:
    schedule = make_schedule(world.supervisor, emails=["a@example.com"])
    client = _client(world, field_supervisor)
    before = ReportSchedule.objects.values().get()

    answers = [
        client.get(f"{BASE}{schedule.pk}/"),
        client.get(f"{BASE}{schedule.pk}/edit/"),
        client.post(f"{BASE}{schedule.pk}/edit/", _form(name="x")),
        client.post(f"{BASE}{schedule.pk}/toggle/"),
        client.post(f"{BASE}{schedule.pk}/run/"),
        client.post(f"{BASE}{schedule.pk}/delete/"),
    ]

    assert [a.status_code for a in answers] == [404] * 6
    assert ReportSchedule.objects.values().get() == before
    assert ReportRun.objects.count() == 0
    assert f'data-id="{schedule.pk}"' not in client.get(BASE).content.decode()


def test_an_admin_sees_every_schedule(world: World, field_supervisor: User) -> None:
    schedule = make_schedule(field_supervisor, emails=["a@example.com"])
    client = _client(world, world.admin)
    assert f'data-id="{schedule.pk}"' in client.get(BASE).content.decode()
    assert client.get(f"{BASE}{schedule.pk}/").status_code == 200


def test_signed_out_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(BASE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_list_queries_do_not_grow(world: World, django_assert_num_queries: Any) -> None:
    for i in range(5):
        make_schedule(world.admin, name=f"S{i}", emails=["a@example.com"])
    client = _client(world, world.admin)
    client.get(BASE)
    with django_assert_num_queries(4):  # session, user, schedules with owners; the nav's calendars
        client.get(BASE)


def test_managers_find_the_page_in_the_settings_menu(world: World) -> None:
    link = f'href="{BASE}"'
    assert link in _client(world, world.supervisor).get("/desk/settings/").content.decode()
    assert link not in _client(world, world.agent).get("/desk/settings/").content.decode()
