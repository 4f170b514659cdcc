"""Import and export: JSON round trip, CSV and iCal of special days, bad input with line numbers."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gongdan.core.errors import ValidationFailed
from gongdan.sla.io import (
    calendar_export_json,
    calendar_import_json,
    calendar_to_dict,
    special_days_export_csv,
    special_days_export_ical,
    special_days_import_csv,
    special_days_import_ical,
)
from gongdan.sla.models import BusinessCalendar
from gongdan.sla.services import calendar_create, special_day_set

pytestmark = pytest.mark.django_db


def special_days(calendar: BusinessCalendar) -> list[tuple[date, str, str, list[list[str]]]]:
    return list(calendar.special_days.values_list("date", "kind", "name", "intervals"))


@pytest.fixture
def empty() -> BusinessCalendar:
    return calendar_create(name="Empty", code="empty")


def test_json_round_trip_of_the_china_calendar(china: BusinessCalendar) -> None:
    special_day_set(
        calendar=china,
        date=date(2026, 12, 31),
        kind="half_day",
        name="元旦前夕",
        intervals=[("09:00", "12:00")],
    )
    data = calendar_to_dict(china)
    data["calendar"]["code"] = "cn-copy"

    copy = calendar_import_json(text=json.dumps(data, ensure_ascii=False))

    again = calendar_to_dict(copy)
    again["calendar"]["code"] = china.code
    assert again == calendar_to_dict(china)
    assert data["working_hours"]["0"] == [["09:00", "12:00"], ["13:00", "18:00"]]


def test_json_import_over_an_existing_code_needs_replace(china: BusinessCalendar) -> None:
    text = calendar_export_json(china)
    data = json.loads(text)
    data["special_days"] = data["special_days"][:3]
    data["working_hours"] = {"5": [["10:00", "15:00"]]}

    with pytest.raises(ValidationFailed) as caught:
        calendar_import_json(text=text)
    replaced = calendar_import_json(text=json.dumps(data), replace=True)

    assert caught.value.fields == {"calendar.code": "A calendar with this code exists already."}
    assert replaced.pk == china.pk
    assert china.special_days.count() == 3
    assert list(china.working_hours.values_list("weekday", flat=True)) == [5]


def test_bad_json_points_at_the_line() -> None:
    with pytest.raises(ValidationFailed) as caught:
        calendar_import_json(text='{\n  "format": "gongdan.business_calendar",\n  oops\n}')

    assert list(caught.value.fields) == ["line 3"]
    assert str(caught.value).startswith("line 3: This is not valid JSON")


def test_bad_json_calendar_names_every_place() -> None:
    data = {
        "format": "gongdan.business_calendar",
        "version": 1,
        "calendar": {"name": "X", "code": "x", "time_zone": "Asia/Beijing"},
        "working_hours": {"0": [["09:00", "12:00"], ["11:00", "13:00"]], "7": []},
        "special_days": [
            {"date": "2026-10-14", "kind": "makeup_workday"},
            {"date": "2026-13-01", "kind": "holiday"},
        ],
    }

    with pytest.raises(ValidationFailed) as caught:
        calendar_import_json(text=json.dumps(data))

    assert caught.value.fields == {
        "calendar.time_zone": (
            "Unknown time zone “Asia/Beijing”; use an IANA name such as Asia/Shanghai."
        ),
        "working_hours.0": "The working hours 09:00–12:00 and 11:00–13:00 overlap.",
        "working_hours.7": "The weekday must be 0 (Monday) to 6 (Sunday).",
        "special_days[0]": (
            "A make-up workday must be a Saturday or a Sunday; 2026-10-14 is a weekday."
        ),
        "special_days[1]": "“2026-13-01” is not a date like 2026-10-01.",
    }
    assert not BusinessCalendar.objects.exists()


def test_csv_round_trip(china: BusinessCalendar, empty: BusinessCalendar) -> None:
    special_day_set(
        calendar=china,
        date=date(2026, 12, 31),
        kind="half_day",
        name="元旦前夕, 半天",
        intervals=[("09:00", "12:00"), ("13:00", "15:00")],
    )
    text = special_days_export_csv(china)

    created, updated = special_days_import_csv(calendar=empty, text=text)

    assert (created, updated) == (china.special_days.count(), 0)
    assert special_days(empty) == special_days(china)
    assert '2026-12-31,half_day,"元旦前夕, 半天",09:00-12:00 13:00-15:00\r\n' in text


def test_bad_csv_rows_are_reported_by_line(empty: BusinessCalendar) -> None:
    text = (
        "date,kind,name,intervals\n2026-10-01,holiday,国庆节,\n2026-10-14,makeup_workday,x,\n"
        "2026-10-02,holiday,,09:00\n2026-10-03,weekend,,\n"
    )

    with pytest.raises(ValidationFailed) as caught:
        special_days_import_csv(calendar=empty, text=text)

    assert caught.value.fields == {
        "line 3": "A make-up workday must be a Saturday or a Sunday; 2026-10-14 is a weekday.",
        "line 4": "Write working hours like 09:00-12:00 13:00-18:00.",
        "line 5": ("“weekend” is not a kind of special day (holiday, makeup_workday, half_day)."),
    }
    assert not empty.special_days.exists()


def test_csv_without_a_header_is_refused(empty: BusinessCalendar) -> None:
    with pytest.raises(ValidationFailed) as caught:
        special_days_import_csv(calendar=empty, text="2026-10-01,holiday\n")

    assert list(caught.value.fields) == ["line 1"]


def test_ical_export_is_folded_crlf_and_round_trips(
    china: BusinessCalendar, empty: BusinessCalendar
) -> None:
    long_name = "公司年会（全体员工参加，下午提前下班，请提前安排好值班人员）; see wiki"
    special_day_set(
        calendar=china,
        date=date(2026, 12, 31),
        kind="half_day",
        name=long_name,
        intervals=[("09:00", "12:00")],
    )

    text = special_days_export_ical(china)
    special_days_import_ical(calendar=empty, text=text)

    lines = text.split("\r\n")
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert max(len(line.encode()) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)
    assert "SUMMARY:公司年会" in text and "\\; see wiki" in text.replace("\r\n ", "")
    assert special_days(empty) == special_days(china)


def test_ical_events_of_several_days_become_one_special_day_each(empty: BusinessCalendar) -> None:
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20261001",
            "DTEND;VALUE=DATE:20261008",
            "SUMMARY:国庆节",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20261010",
            "SUMMARY:国庆节调休",
            "CATEGORIES:MAKEUP-WORKDAY",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )

    special_days_import_ical(calendar=empty, text=text)

    assert [(d.isoformat(), k) for d, k, _n, _i in special_days(empty)] == [
        *((f"2026-10-0{n}", "holiday") for n in range(1, 8)),
        ("2026-10-10", "makeup_workday"),
    ]


def test_bad_ical_is_reported_by_line(empty: BusinessCalendar) -> None:
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "DTSTART:20261001T090000",
            "SUMMARY:x",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20261014",
            "X-GONGDAN-KIND:makeup_workday",
            "END:VEVENT",
            "this line is broken",
            "END:VCALENDAR",
        ]
    )

    with pytest.raises(ValidationFailed) as caught:
        special_days_import_ical(calendar=empty, text=text)

    assert caught.value.fields == {
        "line 3": "Only all-day events (dates like 20261001) can be imported.",
        "line 6": "A make-up workday must be a Saturday or a Sunday; 2026-10-14 is a weekday.",
        "line 10": "This line has no “:”.",
    }
    assert not empty.special_days.exists()
