"""/api/v1/calendars: every operation, its errors, and outsiders who must change nothing."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongdan.audit.models import AuditEvent
from gongdan.sla.io import calendar_export_json, special_days_export_ical
from gongdan.sla.models import BusinessCalendar, SpecialDay
from gongdan.sla.services import calendar_create, special_day_set, working_hours_set
from gongdan.testing import World


@pytest.fixture
def office(world: World) -> BusinessCalendar:
    calendar = calendar_create(name="上海办公室 Shanghai office", code="sh-office")
    for weekday in range(5):
        working_hours_set(
            calendar=calendar, weekday=weekday, intervals=[("09:00", "12:00"), ("13:00", "18:00")]
        )
    special_day_set(calendar=calendar, date=date(2026, 10, 1), kind="holiday", name="国庆节")
    special_day_set(calendar=calendar, date=date(2027, 1, 1), kind="holiday", name="元旦")
    return BusinessCalendar.objects.get(pk=calendar.pk)


def snapshot(calendar: BusinessCalendar) -> dict[str, Any]:
    """Everything a refused request must leave alone."""
    fresh = BusinessCalendar.objects.get(pk=calendar.pk)
    return {
        "calendars": BusinessCalendar.objects.count(),
        "row": (fresh.name, fresh.time_zone, fresh.is_24x7, fresh.is_default, fresh.version),
        "hours": list(fresh.working_hours.values_list("weekday", "start", "end")),
        "days": list(fresh.special_days.values_list("date", "kind", "name", "intervals")),
        "audit": AuditEvent.objects.filter(action__startswith="calendar.").count(),
    }


def test_list_shows_each_calendar_with_its_years(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    response = api.as_(world.supervisor).get("/calendars")

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["code"] == "sh-office"
    assert item["time_zone"] == "Asia/Shanghai"
    assert item["is_24x7"] is False
    assert item["years"] == [
        {"year": 2026, "special_days": 1},
        {"year": 2027, "special_days": 1},
    ]


def test_create_get_and_update(world: World, api: Any, office: BusinessCalendar) -> None:
    admin = api.as_(world.admin)

    created = admin.post(
        "/calendars",
        {"name": "Berlin", "code": "berlin", "time_zone": "Europe/Berlin", "is_default": True},
    )
    patched = admin.patch("/calendars/berlin", {"name": "柏林 Berlin", "is_24x7": True})
    got = api.as_(world.supervisor).get("/calendars/sh-office")

    assert created.status_code == 201, created.content
    assert created.json()["is_default"] is True
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["is_24x7"]) == ("柏林 Berlin", True)
    assert got.json()["working_hours"]["0"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert "5" not in got.json()["working_hours"]
    berlin = BusinessCalendar.objects.get(code="berlin")
    assert (berlin.name, berlin.is_24x7, berlin.is_default) == ("柏林 Berlin", True, True)
    assert AuditEvent.objects.filter(actor=world.admin, action="calendar.created").count() == 1


def test_making_another_calendar_the_default_moves_the_flag(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    api.as_(world.admin).post("/calendars", {"name": "A", "code": "a", "is_default": True})

    response = api.as_(world.admin).patch("/calendars/sh-office", {"is_default": True})

    assert response.status_code == 200
    assert list(
        BusinessCalendar.objects.filter(is_default=True).values_list("code", flat=True)
    ) == ["sh-office"]


def test_hours_set_replaces_the_given_weekdays_only(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    response = api.as_(world.admin).put(
        "/calendars/sh-office/hours",
        {
            "hours": {"0": [["08:00", "17:00"]], "5": [["10:00", "14:00"]]},
            "breaks": {"0": [["12:00", "12:30"]]},
        },
    )

    assert response.status_code == 200, response.content
    hours = response.json()["working_hours"]
    assert hours["0"] == [["08:00", "12:00"], ["12:30", "17:00"]]
    assert hours["5"] == [["10:00", "14:00"]]
    assert hours["1"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert list(office.working_hours.filter(weekday=5).values_list("start", "end")) == [
        (time(10), time(14))
    ]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"hours": {"1": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            "hours.1",
            "The working hours 09:00–13:00 and 12:00–18:00 overlap.",
        ),
        (
            {"hours": {"2": [["09:00", "18:00"]]}, "breaks": {"2": [["18:30", "19:00"]]}},
            "breaks.2",
            "The break 18:30–19:00 lies outside the working hours.",
        ),
        (
            {"hours": {"9": [["09:00", "18:00"]]}},
            "hours.9",
            "The weekday must be 0 (Monday) to 6 (Sunday).",
        ),
        ({"hours": {"3": [["9am", "18:00"]]}}, "hours.3", "“9am” is not a time of day like 09:00."),
    ],
)
def test_bad_hours_are_422_and_change_nothing(
    world: World, api: Any, office: BusinessCalendar, body: dict[str, Any], field: str, message: str
) -> None:
    before = snapshot(office)

    response = api.as_(world.admin).put("/calendars/sh-office/hours", body)

    assert response.status_code == 422
    assert response.json()["code"] == "calendar.hours_invalid"
    assert response.json()["fields"] == {field: message}
    assert snapshot(office) == before


def test_an_unknown_time_zone_is_422(world: World, api: Any, office: BusinessCalendar) -> None:
    response = api.as_(world.admin).patch("/calendars/sh-office", {"time_zone": "Mars/Base"})

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "time_zone": "Unknown time zone “Mars/Base”; use an IANA name such as Asia/Shanghai."
    }
    assert BusinessCalendar.objects.get(pk=office.pk).time_zone == "Asia/Shanghai"


def test_special_days_list_set_and_delete(world: World, api: Any, office: BusinessCalendar) -> None:
    admin = api.as_(world.admin)

    made = admin.put(
        "/calendars/sh-office/special-days/2026-10-10",
        {"kind": "makeup_workday", "name": "国庆节调休"},
    )
    half = admin.put(
        "/calendars/sh-office/special-days/2026-12-31",
        {"kind": "half_day", "name": "元旦前夕", "intervals": [["09:00", "12:00"]]},
    )
    listed = api.as_(world.supervisor).get("/calendars/sh-office/special-days?year=2026")
    deleted = admin._send("delete", "/calendars/sh-office/special-days/2026-10-01")
    again = admin._send("delete", "/calendars/sh-office/special-days/2026-10-01")

    assert made.status_code == 200, made.content
    assert made.json() == {
        "date": "2026-10-10",
        "kind": "makeup_workday",
        "name": "国庆节调休",
        "intervals": [],
    }
    assert half.json()["intervals"] == [["09:00", "12:00"]]
    assert listed.json()["year"] == 2026
    assert [d["date"] for d in listed.json()["items"]] == ["2026-10-01", "2026-10-10", "2026-12-31"]
    assert deleted.status_code == 204
    assert again.status_code == 404 and again.json()["code"] == "calendar.special_day_not_found"
    assert not office.special_days.filter(date=date(2026, 10, 1)).exists()


@pytest.mark.parametrize(
    ("day", "body", "field"),
    [
        ("2026-10-14", {"kind": "makeup_workday"}, "date"),  # a Wednesday
        ("2026-10-14", {"kind": "half_day"}, "intervals"),
        ("2026-10-14", {"kind": "birthday"}, "kind"),
        ("2026-10-14", {"kind": "holiday", "intervals": [["09:00", "12:00"]]}, "intervals"),
    ],
)
def test_bad_special_days_are_422(
    world: World, api: Any, office: BusinessCalendar, day: str, body: dict[str, Any], field: str
) -> None:
    before = snapshot(office)

    response = api.as_(world.admin).put(f"/calendars/sh-office/special-days/{day}", body)

    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    assert snapshot(office) == before


def test_a_bad_date_or_year_is_422_not_500(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    admin = api.as_(world.admin)

    assert (
        admin.put("/calendars/sh-office/special-days/2026-02-30", {"kind": "holiday"}).status_code
        == 422
    )
    assert admin.get("/calendars/sh-office/special-days?year=99999").status_code == 422
    assert admin.get("/calendars/sh-office/special-days?year=abc").status_code == 422


def test_unknown_codes_are_404(world: World, api: Any) -> None:
    admin = api.as_(world.admin)

    for response in (
        admin.get("/calendars/nope"),
        admin.patch("/calendars/nope", {"name": "x"}),
        admin.put("/calendars/nope/hours", {"hours": {}}),
        admin.get("/calendars/nope/special-days"),
        admin.put("/calendars/nope/special-days/2026-10-01", {"kind": "holiday"}),
        admin.get("/calendars/nope/export?format=csv"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "calendar.not_found"


def test_export_in_each_format(world: World, api: Any, office: BusinessCalendar) -> None:
    caller = api.as_(world.supervisor)

    as_json = caller.get("/calendars/sh-office/export?format=json")
    as_csv = caller.get("/calendars/sh-office/export?format=csv")
    as_ical = caller.get("/calendars/sh-office/export?format=ical")
    bad = caller.get("/calendars/sh-office/export?format=xlsx")

    assert as_json["Content-Type"].startswith("application/json")
    assert as_json["Content-Disposition"] == 'attachment; filename="sh-office.json"'
    assert json.loads(as_json.content)["calendar"]["code"] == "sh-office"
    assert as_csv.content.decode().splitlines()[1] == "2026-10-01,holiday,国庆节,"
    assert as_ical["Content-Type"].startswith("text/calendar")
    assert as_ical.content.decode() == special_days_export_ical(office)
    assert bad.status_code == 422


def test_export_import_round_trip_through_the_api(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    admin = api.as_(world.admin)
    exported = json.loads(admin.get("/calendars/sh-office/export?format=json").content)
    exported["calendar"]["code"] = "sh-copy"
    upload = SimpleUploadedFile("copy.json", json.dumps(exported).encode())

    response = admin.upload("/calendars/import", upload)

    assert response.status_code == 200, response.content
    assert response.json() == {"calendar": "sh-copy", "format": "json", "special_days": 2}
    copy = BusinessCalendar.objects.get(code="sh-copy")
    again = json.loads(calendar_export_json(copy))
    again["calendar"]["code"] = "sh-office"
    assert again == json.loads(calendar_export_json(office))


def test_csv_and_ical_imports_into_a_calendar(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    admin = api.as_(world.admin)
    csv_file = SimpleUploadedFile(
        "days.csv",
        "date,kind,name,intervals\n2026-12-31,half_day,元旦前夕,09:00-12:00\n".encode("gb18030"),
    )
    other = calendar_create(name="Other", code="other")
    special_day_set(calendar=other, date=date(2026, 5, 1), kind="holiday", name="劳动节")
    ical_file = SimpleUploadedFile("days.ics", special_days_export_ical(other).encode())

    by_csv = admin.upload("/calendars/import", csv_file, calendar="sh-office")
    by_ical = admin.upload("/calendars/import", ical_file, calendar="sh-office")

    assert by_csv.json() == {"calendar": "sh-office", "format": "csv", "special_days": 1}
    assert by_ical.json() == {"calendar": "sh-office", "format": "ical", "special_days": 1}
    assert list(office.special_days.values_list("date", "kind", "name")) == [
        (date(2026, 5, 1), "holiday", "劳动节"),
        (date(2026, 10, 1), "holiday", "国庆节"),
        (date(2026, 12, 31), "half_day", "元旦前夕"),
        (date(2027, 1, 1), "holiday", "元旦"),
    ]


def test_a_bad_file_imports_nothing_and_says_where(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    before = snapshot(office)
    text = "date,kind,name,intervals\n2026-05-01,holiday,劳动节,\n2026-10-14,makeup_workday,x,\n"

    response = api.as_(world.admin).upload(
        "/calendars/import", SimpleUploadedFile("days.csv", text.encode()), calendar="sh-office"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "calendar.import_invalid"
    assert response.json()["fields"] == {
        "line 3": "A make-up workday must be a Saturday or a Sunday; 2026-10-14 is a weekday."
    }
    assert snapshot(office) == before


def test_import_needs_a_known_format_and_a_target(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    admin = api.as_(world.admin)

    unknown = admin.upload("/calendars/import", SimpleUploadedFile("days.xlsx", b"PK..."))
    no_target = admin.upload(
        "/calendars/import", SimpleUploadedFile("days.csv", b"date,kind\n2026-05-01,holiday\n")
    )

    assert unknown.status_code == 422 and list(unknown.json()["fields"]) == ["format"]
    assert no_target.status_code == 422 and list(no_target.json()["fields"]) == ["calendar"]


@pytest.mark.parametrize("persona", ["supervisor", "agent", "customer"])
def test_outsiders_cannot_change_anything(
    world: World, api: Any, office: BusinessCalendar, persona: str
) -> None:
    before = snapshot(office)
    caller = api.as_(getattr(world, persona))
    csv_file = SimpleUploadedFile("d.csv", b"date,kind\n2026-05-01,holiday\n")

    responses = [
        caller.post("/calendars", {"name": "X", "code": "x"}),
        caller.patch("/calendars/sh-office", {"name": "hacked"}),
        caller.put("/calendars/sh-office/hours", {"hours": {"0": []}}),
        caller.put("/calendars/sh-office/special-days/2026-05-01", {"kind": "holiday"}),
        caller._send("delete", "/calendars/sh-office/special-days/2026-10-01"),
        caller.upload("/calendars/import", csv_file, calendar="sh-office"),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert {r.json()["code"] for r in responses} == {"permission.admin_only"}
    assert snapshot(office) == before


@pytest.mark.parametrize("persona", ["agent", "customer"])
def test_agents_and_customers_cannot_read_calendars(
    world: World, api: Any, office: BusinessCalendar, persona: str
) -> None:
    caller = api.as_(getattr(world, persona))

    for path in (
        "/calendars",
        "/calendars/sh-office",
        "/calendars/sh-office/special-days",
        "/calendars/sh-office/export?format=json",
        "/calendars/nope",
    ):
        response = caller.get(path)
        assert (response.status_code, response.json()["code"]) == (403, "permission.denied")
    assert api.as_(None).get("/calendars").status_code == 401


def test_special_days_list_defaults_to_this_year(
    world: World, api: Any, office: BusinessCalendar
) -> None:
    from django.utils import timezone

    response = api.as_(world.admin).get("/calendars/sh-office/special-days")

    assert response.json()["year"] == timezone.localdate().year
    assert SpecialDay.objects.filter(calendar=office).count() == 2
