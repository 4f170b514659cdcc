"""Settings → Calendars in the workspace: who may see and change what, edits, import, export."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gongdan.sla.io import calendar_export_json, special_days_export_ical
from gongdan.sla.models import BusinessCalendar, SlaPolicy
from gongdan.sla.services import calendar_create, special_day_set, working_hours_set
from gongdan.testing import World
from tests.sla.conftest import sh

URL = "/desk/settings/calendars/"
OFFICE = f"{URL}sh-office/"


@pytest.fixture
def office(world: World) -> BusinessCalendar:
    calendar = calendar_create(name="上海办公室 Shanghai office", code="sh-office")
    for weekday in range(5):
        working_hours_set(
            calendar=calendar, weekday=weekday, intervals=[("09:00", "12:00"), ("13:00", "18:00")]
        )
    special_day_set(calendar=calendar, date=date(2026, 10, 1), kind="holiday", name="国庆节")
    return BusinessCalendar.objects.get(pk=calendar.pk)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def move(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


def days(calendar: BusinessCalendar) -> list[tuple[date, str, str, list[list[str]]]]:
    return list(calendar.special_days.values_list("date", "kind", "name", "intervals"))


def hours(calendar: BusinessCalendar, weekday: int) -> list[tuple[time, time]]:
    return list(
        calendar.working_hours.filter(weekday=weekday).values_list("start", "end").order_by("start")
    )


HOURS_FORM = {
    **{f"hours_{d}": "09:00-12:00, 13:00-18:00" for d in range(5)},
    "hours_5": "",
    "hours_6": "",
}


@pytest.mark.parametrize("persona", ["admin", "supervisor"])
def test_pages_render_for_admins_and_supervisors(
    world: World, office: BusinessCalendar, persona: str
) -> None:
    client = world.client_for(getattr(world, persona))

    listing = client.get(URL)
    detail = client.get(OFFICE)
    special = client.get(f"{OFFICE}special-days/", {"year": "2026"})

    assert [listing.status_code, detail.status_code, special.status_code] == [200, 200, 200]
    html = listing.content.decode()
    assert 'data-code="sh-office"' in html and "Asia/Shanghai" in html and "2026: 1" in html
    assert 'href="/desk/settings/"' in html  # Settings in the sidebar → Calendars on its index
    assert 'href="/desk/settings/calendars/"' in client.get("/desk/settings/").content.decode()
    assert 'value="09:00-12:00, 13:00-18:00"' in detail.content.decode()
    assert "国庆节" in special.content.decode()
    editable = (
        'name="name"' in detail.content.decode() and "disabled" not in detail.content.decode()
    )
    assert editable == (persona == "admin")
    assert ('data-testid="special-day-form"' in special.content.decode()) == (persona == "admin")


@pytest.mark.parametrize("persona", ["agent", "customer"])
def test_agents_and_customers_get_403_and_no_nav_link(
    world: World, office: BusinessCalendar, persona: str
) -> None:
    client = world.client_for(getattr(world, persona))

    for path in (URL, OFFICE, f"{OFFICE}special-days/", f"{URL}new/", f"{OFFICE}export/json/"):
        assert client.get(path).status_code == 403
    if persona == "agent":
        assert "/desk/settings/calendars/" not in client.get("/desk/settings/").content.decode()


def test_anonymous_visitors_go_to_the_login_page(office: BusinessCalendar) -> None:
    response = Client().get(URL)

    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "agent", "customer"])
def test_only_admins_may_post_and_a_refusal_changes_nothing(
    world: World, office: BusinessCalendar, persona: str
) -> None:
    client = world.client_for(getattr(world, persona))
    before = (days(office), hours(office, 0), BusinessCalendar.objects.count(), office.version)

    responses = [
        client.post(f"{URL}new/", {"name": "X", "code": "x", "time_zone": "UTC"}),
        client.post(f"{OFFICE}edit/", {"name": "hacked", "time_zone": "UTC"}),
        client.post(f"{OFFICE}hours/", {**HOURS_FORM, "hours_0": ""}),
        client.post(f"{OFFICE}special-days/", {"date": "2026-05-01", "kind": "holiday"}),
        client.post(f"{OFFICE}special-days/2026-10-01/delete/"),
        client.post(
            f"{OFFICE}import/",
            {"file": SimpleUploadedFile("d.csv", b"date,kind\n2026-05-01,holiday\n")},
        ),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    office.refresh_from_db()
    after = (days(office), hours(office, 0), BusinessCalendar.objects.count(), office.version)
    assert after == before


def test_create_and_edit_a_calendar(world: World, office: BusinessCalendar) -> None:
    client = world.client_for(world.admin)

    created = client.post(
        f"{URL}new/", {"name": "柏林 Berlin", "code": "berlin", "time_zone": "Europe/Berlin"}
    )
    edited = client.post(
        f"{URL}berlin/edit/",
        {
            "name": "Berlin office",
            "time_zone": "Europe/Berlin",
            "is_24x7": "on",
            "is_default": "on",
        },
    )

    assert (created.status_code, created["Location"]) == (302, f"{URL}berlin/")
    assert edited.status_code == 302
    berlin = BusinessCalendar.objects.get(code="berlin")
    assert (berlin.name, berlin.time_zone, berlin.is_24x7, berlin.is_default) == (
        "Berlin office",
        "Europe/Berlin",
        True,
        True,
    )


def test_bad_settings_are_shown_next_to_the_field(world: World, office: BusinessCalendar) -> None:
    client = world.client_for(world.admin)

    bad_zone = client.post(f"{OFFICE}edit/", {"name": "x", "time_zone": "Mars/Base"})
    taken = client.post(f"{URL}new/", {"name": "x", "code": "sh-office", "time_zone": "UTC"})

    assert bad_zone.status_code == 422
    assert "Unknown time zone “Mars/Base”" in bad_zone.content.decode()
    assert taken.status_code == 422
    assert BusinessCalendar.objects.get(pk=office.pk).time_zone == "Asia/Shanghai"
    assert BusinessCalendar.objects.count() == 1


def test_errors_are_in_the_users_language(world: World, office: BusinessCalendar) -> None:
    world.admin.language = "zh-hans"
    world.admin.save()
    client = world.client_for(world.admin)
    client.cookies["django_language"] = "zh-hans"

    response = client.post(f"{OFFICE}hours/", {**HOURS_FORM, "hours_1": "09:00-13:00, 12:00-18:00"})

    assert response.status_code == 422
    assert "重叠" in response.content.decode()


def test_editing_hours_through_the_page_re_aims_an_open_ticket(
    world: World,
    office: BusinessCalendar,
    at: Callable[[datetime], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    SlaPolicy.objects.create(name="标准", calendar=office, resolution_minutes=8 * 60)
    at(sh(2026, 11, 23, 9))  # a Monday
    ticket = world.ticket(by=world.agent)
    assert ticket.resolution_due_at == sh(2026, 11, 23, 18)
    client = world.client_for(world.admin)

    at(sh(2026, 11, 23, 10))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{OFFICE}hours/",
            {**HOURS_FORM, "hours_0": "09:00-18:00", "breaks_0": "12:00-14:00"},
        )

    assert response.status_code == 302, response.content.decode()
    assert hours(office, 0) == [(time(9), time(12)), (time(14), time(18))]
    assert hours(office, 1) == [(time(9), time(12)), (time(13), time(18))]
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == sh(2026, 11, 24, 10)  # 7 h on Monday, 1 h on Tuesday


@pytest.mark.parametrize(
    ("form", "field_message"),
    [
        (
            {"hours_1": "09:00-13:00, 12:00-18:00"},
            "The working hours 09:00–13:00 and 12:00–18:00 overlap.",
        ),
        (
            {"hours_2": "09:00-18:00", "breaks_2": "18:30-19:00"},
            "The break 18:30–19:00 lies outside the working hours.",
        ),
        ({"hours_3": "9am-6pm"}, "“9am” is not a time of day like 09:00."),
        ({"hours_4": "09:00"}, "Write working hours like 09:00-12:00 13:00-18:00."),
    ],
)
def test_bad_hours_are_shown_and_nothing_changes(
    world: World, office: BusinessCalendar, form: dict[str, str], field_message: str
) -> None:
    before = [hours(office, d) for d in range(7)]

    response = world.client_for(world.admin).post(f"{OFFICE}hours/", {**HOURS_FORM, **form})

    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert [hours(office, d) for d in range(7)] == before


def test_add_edit_and_delete_a_special_day_inline(world: World, office: BusinessCalendar) -> None:
    client = world.client_for(world.admin)
    url = f"{OFFICE}special-days/"
    htmx = {"HX-Request": "true"}

    added = client.post(
        url,
        {"date": "2026-12-31", "kind": "half_day", "name": "元旦前夕", "hours": "09:00-12:00"},
        headers=htmx,
    )
    editing = client.get(url, {"year": "2026", "edit": "2026-12-31"}, headers=htmx)
    changed = client.post(
        url,
        {"date": "2026-12-31", "kind": "holiday", "name": "公司假日", "hours": ""},
        headers=htmx,
    )
    deleted = client.post(f"{url}2026-10-01/delete/", headers=htmx)

    assert added.status_code == 200 and "<html" not in added.content.decode()
    assert 'data-date="2026-12-31"' in added.content.decode()
    assert 'value="09:00-12:00"' in editing.content.decode()
    assert changed.status_code == 200
    assert deleted.status_code == 200 and 'data-date="2026-10-01"' not in deleted.content.decode()
    assert days(office) == [(date(2026, 12, 31), "holiday", "公司假日", [])]


def test_a_bad_special_day_is_explained_in_the_fragment(
    world: World, office: BusinessCalendar
) -> None:
    response = world.client_for(world.admin).post(
        f"{OFFICE}special-days/",
        {"date": "2026-10-14", "kind": "makeup_workday", "name": "x"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "A make-up workday must be a Saturday or a Sunday" in response.content.decode()
    assert days(office) == [(date(2026, 10, 1), "holiday", "国庆节", [])]


def test_without_htmx_a_special_day_posts_and_redirects(
    world: World, office: BusinessCalendar
) -> None:
    client = world.client_for(world.admin)

    response = client.post(
        f"{OFFICE}special-days/", {"date": "2027-02-06", "kind": "makeup_workday"}
    )
    gone = client.post(f"{OFFICE}special-days/2027-02-07/delete/")

    assert (response.status_code, response["Location"]) == (302, f"{OFFICE}special-days/?year=2027")
    assert gone.status_code == 404
    assert office.special_days.filter(date=date(2027, 2, 6), kind="makeup_workday").exists()


def test_the_year_switcher_shows_that_years_days_only(
    world: World, office: BusinessCalendar
) -> None:
    special_day_set(calendar=office, date=date(2027, 1, 1), kind="holiday", name="元旦")
    client = world.client_for(world.supervisor)

    y2027 = client.get(f"{OFFICE}special-days/", {"year": "2027"}).content.decode()
    bad = client.get(f"{OFFICE}special-days/", {"year": "12345"})

    assert "元旦" in y2027 and "国庆节" not in y2027
    assert bad.status_code == 200 and "Choose a year between" in bad.content.decode()


def test_import_json_via_the_page_creates_a_calendar(
    world: World, office: BusinessCalendar
) -> None:
    data = json.loads(calendar_export_json(office))
    data["calendar"]["code"] = "sh-copy"

    response = world.client_for(world.admin).post(
        f"{URL}import/", {"file": SimpleUploadedFile("copy.json", json.dumps(data).encode())}
    )

    assert (response.status_code, response["Location"]) == (302, f"{URL}sh-copy/")
    copy = BusinessCalendar.objects.get(code="sh-copy")
    assert days(copy) == days(office) and hours(copy, 0) == hours(office, 0)


def test_import_csv_and_ical_via_the_page(world: World, office: BusinessCalendar) -> None:
    client = world.client_for(world.admin)
    other = calendar_create(name="Other", code="other")
    special_day_set(calendar=other, date=date(2026, 5, 1), kind="holiday", name="劳动节")
    csv_text = "date,kind,name,intervals\n2026-12-31,half_day,元旦前夕,09:00-12:00\n"

    by_csv = client.post(
        f"{OFFICE}import/", {"file": SimpleUploadedFile("d.csv", csv_text.encode("utf-8-sig"))}
    )
    by_ical = client.post(
        f"{OFFICE}import/",
        {"file": SimpleUploadedFile("d.ics", special_days_export_ical(other).encode())},
    )

    assert [by_csv.status_code, by_ical.status_code] == [302, 302]
    assert [d[:2] for d in days(office)] == [
        (date(2026, 5, 1), "holiday"),
        (date(2026, 10, 1), "holiday"),
        (date(2026, 12, 31), "half_day"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "place"),
    [
        (
            "d.csv",
            "date,kind,name,intervals\n2026-05-01,holiday,劳动节,\n2026-13-01,holiday,x,\n",
            "Line 3",
        ),
        (
            "d.ics",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260501T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "Line 3",
        ),
        (
            "d.json",
            '{"format": "gongdan.business_calendar", "calendar": {"code": "sh-office"',
            "Line 1",
        ),
        ("d.xlsx", "PK", "Format"),
    ],
)
def test_a_bad_file_imports_nothing_and_says_where(
    world: World, office: BusinessCalendar, name: str, content: str, place: str
) -> None:
    before = days(office)

    response = world.client_for(world.admin).post(
        f"{OFFICE}import/", {"file": SimpleUploadedFile(name, content.encode())}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was imported." in html and f"<li>{place}: " in html
    assert days(office) == before


def test_export_downloads_round_trip(world: World, office: BusinessCalendar) -> None:
    client = world.client_for(world.supervisor)

    as_json = client.get(f"{OFFICE}export/json/")
    as_csv = client.get(f"{OFFICE}export/csv/")
    as_ical = client.get(f"{OFFICE}export/ical/")

    assert as_json["Content-Disposition"] == 'attachment; filename="sh-office.json"'
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_ical.content.decode() == special_days_export_ical(office)
    assert client.get(f"{OFFICE}export/xlsx/").status_code == 404
    data = json.loads(as_json.content)
    data["calendar"]["code"] = "again"
    world.client_for(world.admin).post(
        f"{URL}import/", {"file": SimpleUploadedFile("a.json", json.dumps(data).encode())}
    )
    copy = BusinessCalendar.objects.get(code="again")
    copied = json.loads(calendar_export_json(copy))
    copied["calendar"]["code"] = "sh-office"
    assert copied == json.loads(calendar_export_json(office))


def test_unknown_calendar_is_404(world: World) -> None:
    assert world.client_for(world.admin).get(f"{URL}nope/").status_code == 404


@pytest.mark.parametrize("calendars", [1, 8])
def test_list_page_query_count_is_constant(
    world: World, calendars: int, django_assert_num_queries: Any
) -> None:
    for n in range(calendars):
        cal = calendar_create(name=f"C{n}", code=f"c{n}")
        special_day_set(calendar=cal, date=date(2026, 10, 1), kind="holiday")
        special_day_set(calendar=cal, date=date(2027, 10, 1), kind="holiday")
    client = world.client_for(world.supervisor)

    with django_assert_num_queries(4):  # session, user, calendars, special days per year
        response = client.get(URL)

    assert response.content.decode().count("data-code=") == calendars


@pytest.mark.parametrize("count", [1, 30])
def test_special_days_page_query_count_is_constant(
    world: World, office: BusinessCalendar, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        special_day_set(calendar=office, date=date(2026, 3, 1 + n), kind="holiday", name=f"d{n}")
    client = world.client_for(world.supervisor)

    with django_assert_num_queries(5):  # session, user, calendar, its days, years
        response = client.get(f"{OFFICE}special-days/", {"year": "2026"})

    assert response.content.decode().count("data-date=") == count + 1
