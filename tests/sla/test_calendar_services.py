"""Calendar writes: clear errors on bad input, nothing written on refusal, specs rebuilt on edit."""

from __future__ import annotations

from datetime import date, time

import pytest

from gongdan.audit.models import AuditEvent
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.sla.clock import add_business_time
from gongdan.sla.models import BusinessCalendar, SpecialDay, WorkingHours
from gongdan.sla.selectors import calendar_get, calendar_spec
from gongdan.sla.services import (
    calendar_create,
    calendar_update,
    special_day_delete,
    special_day_set,
    working_hours_set,
)
from gongdan.testing import World

from .conftest import sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def office() -> BusinessCalendar:
    calendar = calendar_create(name="Office", code="office")
    for weekday in range(5):
        working_hours_set(
            calendar=calendar, weekday=weekday, intervals=[("09:00", "12:00"), ("13:00", "18:00")]
        )
    return calendar


def hours_of(calendar: BusinessCalendar, weekday: int) -> list[tuple[time, time]]:
    return list(calendar.working_hours.filter(weekday=weekday).values_list("start", "end"))


def test_overlapping_hours_are_refused_with_both_intervals_named(
    office: BusinessCalendar,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        working_hours_set(
            calendar=office, weekday=0, intervals=[("09:00", "12:30"), ("12:00", "18:00")]
        )

    assert caught.value.fields == {
        "intervals": "The working hours 09:00–12:30 and 12:00–18:00 overlap."
    }
    assert hours_of(office, 0) == [(time(9), time(12)), (time(13), time(18))]


def test_a_break_outside_the_hours_is_refused(office: BusinessCalendar) -> None:
    with pytest.raises(ValidationFailed) as caught:
        working_hours_set(
            calendar=office, weekday=1, intervals=[("09:00", "18:00")], breaks=[("18:30", "19:00")]
        )

    assert caught.value.fields == {
        "breaks": "The break 18:30–19:00 lies outside the working hours."
    }


def test_a_break_is_cut_out_of_the_hours(office: BusinessCalendar) -> None:
    working_hours_set(
        calendar=office, weekday=5, intervals=[("09:00", "18:00")], breaks=[("12:00", "13:30")]
    )

    assert hours_of(office, 5) == [(time(9), time(12)), (time(13, 30), time(18))]


@pytest.mark.parametrize(
    ("intervals", "message"),
    [
        ([("18:00", "09:00")], "The working hours 18:00–09:00 end before they start."),
        ([("9am", "12:00")], "“9am” is not a time of day like 09:00."),
        ([("09:00",)], "Working hours must be a list of [start, end] pairs."),
    ],
)
def test_malformed_hours_are_refused(
    office: BusinessCalendar, intervals: list[tuple[str, ...]], message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        working_hours_set(calendar=office, weekday=2, intervals=intervals)

    assert caught.value.fields == {"intervals": message}


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(name="Mars", code="mars", time_zone="Mars/Olympus_Mons")

    assert caught.value.fields == {
        "time_zone": (
            "Unknown time zone “Mars/Olympus_Mons”; use an IANA name such as Asia/Shanghai."
        )
    }
    assert not BusinessCalendar.objects.exists()


def test_a_make_up_day_on_a_wednesday_is_refused(office: BusinessCalendar) -> None:
    with pytest.raises(ValidationFailed) as caught:
        special_day_set(calendar=office, date=date(2026, 10, 14), kind="makeup_workday")

    assert caught.value.fields == {
        "date": "A make-up workday must be a Saturday or a Sunday; 2026-10-14 is a weekday."
    }
    assert not SpecialDay.objects.exists()


@pytest.mark.parametrize(
    ("kind", "intervals", "fields"),
    [
        ("half_day", [], {"intervals": "A half day needs its working hours, e.g. 09:00–12:00."}),
        ("holiday", [("09:00", "12:00")], {"intervals": "A holiday has no working hours."}),
        ("vacation", [], {"kind": "Value 'vacation' is not a valid choice."}),
        (
            "half_day",
            [("23:00", "25:00")],
            {"intervals": "“25:00” is not a time of day like 09:00."},
        ),
    ],
)
def test_inconsistent_special_days_are_refused(
    office: BusinessCalendar,
    kind: str,
    intervals: list[tuple[str, str]],
    fields: dict[str, str],
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        special_day_set(calendar=office, date=date(2026, 12, 31), kind=kind, intervals=intervals)

    assert caught.value.fields == fields


def test_an_edit_bumps_the_version_and_due_times_are_recomputed(
    office: BusinessCalendar,
) -> None:
    start = sh(2026, 12, 31, 9)
    before = add_business_time(calendar_spec(office), start, 8 * 60)
    version = office.version

    special_day_set(
        calendar=office,
        date=date(2026, 12, 31),
        kind="half_day",
        name="元旦前夕",
        intervals=[("09:00", "12:00")],
    )
    after = add_business_time(calendar_spec(calendar_get(code="office")), start, 8 * 60)
    special_day_delete(calendar=office, date=date(2026, 12, 31))
    restored = add_business_time(calendar_spec(office), start, 8 * 60)

    assert (before, after, restored) == (sh(2026, 12, 31, 18), sh(2027, 1, 1, 15), before)
    assert office.version == version + 2


def test_a_make_up_workday_works_the_monday_hours_by_default(office: BusinessCalendar) -> None:
    special_day_set(
        calendar=office, date=date(2026, 10, 10), kind="makeup_workday", name="国庆节调休"
    )

    spec = calendar_spec(office)

    assert add_business_time(spec, sh(2026, 10, 10, 8), 4 * 60) == sh(2026, 10, 10, 14)


def test_setting_a_special_day_again_replaces_it(office: BusinessCalendar) -> None:
    special_day_set(calendar=office, date=date(2026, 10, 1), kind="holiday", name="国庆节")
    special_day_set(
        calendar=office,
        date=date(2026, 10, 1),
        kind="half_day",
        name="半天",
        intervals=[("09:00", "12:00")],
    )

    assert list(office.special_days.values_list("kind", "name", "intervals")) == [
        ("half_day", "半天", [["09:00", "12:00"]])
    ]


def test_deleting_a_missing_special_day_is_not_found(office: BusinessCalendar) -> None:
    with pytest.raises(NotFound):
        special_day_delete(calendar=office, date=date(2026, 10, 1))


def test_only_one_calendar_is_the_default() -> None:
    first = calendar_create(name="A", code="a", is_default=True)
    second = calendar_create(name="B", code="b", is_default=True)

    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_changing_the_time_zone_moves_the_working_hours(office: BusinessCalendar) -> None:
    calendar_update(calendar=office, time_zone="Europe/Berlin")

    spec = calendar_spec(office)

    assert add_business_time(spec, sh(2026, 11, 25, 9), 60) == sh(2026, 11, 25, 17)


def test_an_agent_cannot_edit_calendars_and_nothing_changes(
    world: World, office: BusinessCalendar
) -> None:
    with pytest.raises(Forbidden):
        working_hours_set(actor=world.agent, calendar=office, weekday=0, intervals=[])

    assert hours_of(office, 0) == [(time(9), time(12)), (time(13), time(18))]


def test_an_admin_edit_is_audited(world: World, office: BusinessCalendar) -> None:
    special_day_set(
        actor=world.admin, calendar=office, date=date(2026, 10, 1), kind="holiday", name="国庆节"
    )

    event = AuditEvent.objects.get(action="calendar.special_day_set")
    assert (event.actor_id, event.object_id, event.data["name"]) == (
        world.admin.pk,
        str(office.pk),
        "国庆节",
    )


def test_the_database_refuses_reversed_hours() -> None:
    from django.db import IntegrityError

    calendar = calendar_create(name="X", code="x")
    with pytest.raises(IntegrityError):
        WorkingHours.objects.create(calendar=calendar, weekday=0, start=time(18), end=time(9))
