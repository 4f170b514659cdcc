"""The December warning: a banner for admins and a notification once per admin and year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.services import user_create
from gongdan.notifications.choices import Kind
from gongdan.notifications.models import Notification
from gongdan.notifications.presenters import notification_text, notification_url
from gongdan.sla import reminders
from gongdan.sla.models import BusinessCalendar, SpecialDay
from gongdan.sla.reminders import remind_next_year
from gongdan.sla.selectors import calendars_missing_next_year
from gongdan.sla.services import special_day_set
from gongdan.testing import World
from tests.sla.conftest import sh


@pytest.fixture
def official(china: BusinessCalendar) -> BusinessCalendar:
    """The seeded China calendar without 2027 (whatever the installed package knows)."""
    SpecialDay.objects.filter(calendar=china, date__year=2027).delete()
    return china


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def move(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


def test_missing_next_year_is_reported_from_december_on(
    official: BusinessCalendar, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert calendars_missing_next_year(today=date(2026, 11, 30)) == []
    with django_assert_num_queries(1):
        assert calendars_missing_next_year(today=date(2026, 12, 1)) == [official]

    special_day_set(calendar=official, date=date(2027, 1, 1), kind="holiday", name="元旦")

    assert calendars_missing_next_year(today=date(2026, 12, 31)) == []


def test_only_official_calendars_are_checked(world: World) -> None:
    from gongdan.sla.services import calendar_create

    calendar_create(name="Own", code="own")

    assert calendars_missing_next_year(today=date(2026, 12, 1)) == []


def test_admins_see_the_banner_in_december_not_in_november(
    world: World, official: BusinessCalendar, at: Callable[[datetime], None]
) -> None:
    at(sh(2026, 12, 1, 9))
    admin = world.client_for(world.admin)
    supervisor = world.client_for(world.supervisor)

    december = admin.get("/desk/tickets/").content.decode()
    on_calendars = admin.get("/desk/settings/calendars/").content.decode()
    for_supervisor = supervisor.get("/desk/settings/calendars/").content.decode()
    at(sh(2026, 11, 30, 23, 59))
    november = admin.get("/desk/tickets/").content.decode()

    assert 'data-testid="calendar-warning"' in december
    assert "The official holidays and make-up workdays of 2027" in december
    assert "/desk/settings/calendars/cn-mainland/special-days/?year=2027" in december
    assert 'data-testid="calendar-warning"' in on_calendars
    assert 'data-testid="calendar-warning"' not in for_supervisor
    assert 'data-testid="calendar-warning"' not in november


def test_the_banner_costs_one_query_per_request(
    world: World,
    official: BusinessCalendar,
    at: Callable[[datetime], None],
    django_assert_num_queries: Any,
) -> None:
    at(sh(2026, 12, 1, 9))
    client = world.client_for(world.admin)

    with django_assert_num_queries(5):  # session, user, calendars, years, the warning
        response = client.get("/desk/settings/calendars/")

    assert response.content.decode().count('data-testid="calendar-warning"') == 1


def test_the_job_reseeds_then_notifies_each_admin_once_a_year(
    world: World, official: BusinessCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded: list[bool] = []
    monkeypatch.setattr(reminders, "official_schedule_known", lambda year: False)
    monkeypatch.setattr(reminders, "seed_calendars", lambda: seeded.append(True))
    second = user_create(actor=None, username="admin2", role=Role.ADMIN, password="x-Y-z-12345")
    gone = user_create(actor=None, username="gone", role=Role.ADMIN, password="x-Y-z-12345")
    gone.is_active = False
    gone.save()

    november = remind_next_year(today=date(2026, 11, 30))
    first = remind_next_year(today=date(2026, 12, 1))
    again = remind_next_year(today=date(2026, 12, 2))
    third = user_create(actor=None, username="admin3", role=Role.ADMIN, password="x-Y-z-12345")
    later = remind_next_year(today=date(2026, 12, 3))

    assert (november.calendars, november.notified) == (0, 0)
    assert seeded == []  # the package does not know 2027: nothing to seed
    assert (first.calendars, first.notified) == (1, 2)
    assert (again.calendars, again.notified) == (1, 0)
    assert (later.calendars, later.notified) == (1, 1)
    rows = Notification.objects.filter(kind=Kind.CALENDAR_NEXT_YEAR)
    assert sorted(rows.values_list("recipient__username", flat=True)) == [
        "admin",
        "admin2",
        "admin3",
    ]
    assert {n.data["year"] for n in rows} == {2027}
    assert not Notification.objects.filter(recipient__in=[world.supervisor, world.agent]).exists()
    assert second.notifications.count() == 1 and third.notifications.count() == 1


def test_a_new_year_brings_a_new_reminder(
    world: World, official: BusinessCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminders, "official_schedule_known", lambda year: False)
    remind_next_year(today=date(2026, 12, 1))
    SpecialDay.objects.filter(calendar=official, date__year=2028).delete()

    result = remind_next_year(today=date(2027, 12, 1))

    assert result.notified == 1
    years = sorted(world.admin.notifications.values_list("data__year", flat=True))
    assert years == [2027, 2028]


def test_nothing_is_sent_when_the_seeding_brings_next_year(
    world: World, official: BusinessCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded: list[bool] = []

    def newer_package() -> None:  # as if chinesecalendar now knew 2027
        seeded.append(True)
        special_day_set(calendar=official, date=date(2027, 1, 1), kind="holiday", name="元旦")

    monkeypatch.setattr(reminders, "official_schedule_known", lambda year: year == 2027)
    monkeypatch.setattr(reminders, "seed_calendars", newer_package)

    result = remind_next_year(today=date(2026, 12, 1))
    again = remind_next_year(today=date(2026, 12, 2))

    assert (result.calendars, result.notified) == (0, 0)
    assert (again.calendars, again.notified) == (0, 0)
    assert seeded == [True]  # once: afterwards nothing is missing
    assert not Notification.objects.exists()


def test_the_real_seeding_runs_when_the_package_knows_next_year(
    world: World, official: BusinessCalendar
) -> None:
    from gongdan.sla.seeding import official_years

    known = official_years().stop - 1  # the last year the installed chinesecalendar knows
    SpecialDay.objects.filter(calendar=official, date__year=known).delete()

    result = remind_next_year(today=date(known - 1, 12, 1))

    assert (result.calendars, result.notified) == (0, 0)
    assert official.special_days.filter(date__year=known, kind="holiday").exists()
    assert not Notification.objects.exists()


def test_the_notification_reads_well_and_links_to_the_year(
    world: World, official: BusinessCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminders, "official_schedule_known", lambda year: False)
    remind_next_year(today=date(2026, 12, 1))
    notification = Notification.objects.get(recipient=world.admin)

    assert notification_text(notification) == (
        "The official holidays of 2027 are not in the calendar “中国大陆工作日 (China mainland "
        "business days)” yet: enter them, or upgrade chinesecalendar and run seed_calendars."
    )
    assert (
        notification_url(notification, world.admin)
        == "/desk/settings/calendars/cn-mainland/special-days/?year=2027"
    )
    page = world.client_for(world.admin).get("/notifications/preferences/").content.decode()
    assert "Next year&#x27;s official holidays are missing" in page
