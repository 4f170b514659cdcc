"""Import and export of business calendars: JSON (everything), CSV and iCal (special days).

* JSON: ``{"format": "gongdan.business_calendar", "version": 1, "calendar": {...},
  "working_hours": {"0": [["09:00", "12:00"], ...], ...}, "special_days": [...]}`` — a full
  round trip. Weekdays are ``"0"`` (Monday) to ``"6"``; a missing weekday has no hours.
* CSV: ``date,kind,name,intervals`` with intervals like ``09:00-12:00 13:00-18:00``.
* iCal (RFC 5545, written by hand): one all-day VEVENT per special day, ``X-GONGDAN-KIND`` and
  ``X-GONGDAN-HOURS`` carrying what iCal has no words for; lines folded at 75 octets, CRLF.
  Imports accept all-day events (several days expand to one special day per date); an event
  without ``X-GONGDAN-KIND`` or a known ``CATEGORIES`` value is a holiday.

Imports check everything before writing anything and raise :class:`ValidationFailed` whose
``fields`` name the place of each problem (``line 7``, or a JSON path), then write through the
services in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.core.errors import ValidationFailed
from gongdan.sla.clock import Interval
from gongdan.sla.models import DEFAULT_TIME_ZONE, BusinessCalendar
from gongdan.sla.policies import require_calendar_admin
from gongdan.sla.services import (
    SpecialDayIn,
    calendar_create,
    calendar_update,
    special_days_save,
    working_hours_set,
)
from gongdan.sla.validation import (
    check_special_day,
    intervals_to_json,
    parse_intervals,
    validate_time_zone,
)

JSON_FORMAT = "gongdan.business_calendar"
JSON_VERSION = 1
CSV_HEADER = ["date", "kind", "name", "intervals"]
ICAL_KINDS = {"holiday": "HOLIDAY", "makeup_workday": "MAKEUP-WORKDAY", "half_day": "HALF-DAY"}
MAX_EVENT_DAYS = 366


class _Problems:
    """Collects ``place → message`` while parsing; raises them all at once."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, place: str, message: str) -> None:
        self.fields.setdefault(place, message)

    def check[T](self, place: str, check: Callable[..., T], *args: Any) -> T | None:
        """``check(*args)``, or ``None`` after noting its ValidationError at ``place``."""
        try:
            return check(*args)
        except ValidationError as exc:
            self.add(place, " ".join(exc.messages))
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            place, message = next(iter(self.fields.items()))
            raise ValidationFailed(
                "calendar.import_invalid",
                _("%(place)s: %(message)s") % {"place": place, "message": message},
                fields=self.fields,
            )


def _special_day_entry(
    problems: _Problems, place: str, raw_date: str, kind: str, name: str, intervals: Any
) -> SpecialDayIn | None:
    """One checked special day, or ``None`` after noting the problem at ``place``."""
    try:
        day = _parse_date(raw_date)
        parsed = parse_intervals(intervals)
        check_special_day(kind, day, parsed)
    except ValidationError as exc:
        problems.add(place, " ".join(exc.messages))
        return None
    return SpecialDayIn(date=day, kind=kind, name=name, intervals=parsed)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValidationError(
            _("“%(value)s” is not a date like 2026-10-01.") % {"value": text}, code="bad_date"
        ) from None


# --- JSON -----------------------------------------------------------------------------------


def calendar_to_dict(calendar: BusinessCalendar) -> dict[str, Any]:
    """Everything about ``calendar`` as plain JSON data."""
    hours: dict[str, list[Interval]] = {}
    for row in calendar.working_hours.order_by("weekday", "start"):
        hours.setdefault(str(row.weekday), []).append((row.start, row.end))
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "calendar": {
            "name": calendar.name,
            "code": calendar.code,
            "time_zone": calendar.time_zone,
            "is_24x7": calendar.is_24x7,
        },
        "working_hours": {day: intervals_to_json(ivs) for day, ivs in hours.items()},
        "special_days": [
            {
                "date": day.date.isoformat(),
                "kind": day.kind,
                "name": day.name,
                "intervals": day.intervals,
            }
            for day in calendar.special_days.order_by("date")
        ],
    }


def calendar_export_json(calendar: BusinessCalendar) -> str:
    return json.dumps(calendar_to_dict(calendar), ensure_ascii=False, indent=2) + "\n"


def _json_calendar(problems: _Problems, data: dict[str, Any]) -> dict[str, Any]:
    head = data.get("calendar")
    if not isinstance(head, dict):
        problems.add("calendar", _("The calendar's name and code are missing."))
        return {}
    fields: dict[str, Any] = {
        "name": str(head.get("name", "")).strip(),
        "code": str(head.get("code", "")).strip(),
        "time_zone": str(head.get("time_zone", DEFAULT_TIME_ZONE)),
        "is_24x7": bool(head.get("is_24x7", False)),
    }
    for key in ("name", "code"):
        if not fields[key]:
            problems.add(f"calendar.{key}", _("This field is required."))
    problems.check("calendar.time_zone", validate_time_zone, fields["time_zone"])
    return fields


def _json_hours(problems: _Problems, data: dict[str, Any]) -> dict[int, tuple[Interval, ...]]:
    raw = data.get("working_hours", {})
    if not isinstance(raw, dict):
        problems.add("working_hours", _("Working hours must map weekdays 0–6 to intervals."))
        return {}
    hours: dict[int, tuple[Interval, ...]] = {}
    for key, intervals in raw.items():
        place = f"working_hours.{key}"
        if str(key) not in {str(n) for n in range(7)}:
            problems.add(place, _("The weekday must be 0 (Monday) to 6 (Sunday)."))
            continue
        parsed = problems.check(place, parse_intervals, intervals)
        if parsed is not None:
            hours[int(key)] = parsed
    return hours


def _json_special_days(problems: _Problems, data: dict[str, Any]) -> list[SpecialDayIn]:
    raw = data.get("special_days", [])
    entries: list[SpecialDayIn] = []
    if not isinstance(raw, list):
        problems.add("special_days", _("Special days must be a list."))
        return entries
    for index, item in enumerate(raw):
        place = f"special_days[{index}]"
        if not isinstance(item, dict):
            problems.add(place, _("Each special day must be an object with a date and a kind."))
            continue
        entry = _special_day_entry(
            problems,
            place,
            item.get("date", ""),
            str(item.get("kind")),
            str(item.get("name", "")),
            item.get("intervals", []),
        )
        if entry is not None:
            entries.append(entry)
    return entries


def _load_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = _("This is not valid JSON: %(error)s.") % {"error": exc.msg}
        raise ValidationFailed(
            "calendar.import_invalid",
            f"line {exc.lineno}: {message}",
            fields={f"line {exc.lineno}": message},
        ) from exc
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        message = _("This is not a gongdan business calendar export.")
        raise ValidationFailed("calendar.import_invalid", message, fields={"format": message})
    return data


def calendar_import_json(
    *, actor: Any = None, text: str, replace: bool = False
) -> BusinessCalendar:
    """Create a calendar from a JSON export; with ``replace`` an existing code is overwritten.

    Replacing sets the name, time zone, all seven weekdays and exactly the special days of the
    file. Without ``replace`` an existing code is an error.
    """
    data = _load_json(text)
    problems = _Problems()
    head = _json_calendar(problems, data)
    hours = _json_hours(problems, data)
    entries = _json_special_days(problems, data)
    existing = BusinessCalendar.objects.filter(code=head.get("code", "")).first()
    if existing is not None and not replace:
        problems.add("calendar.code", _("A calendar with this code exists already."))
    problems.raise_if_any()
    with transaction.atomic():
        if existing is None:
            calendar = calendar_create(actor=actor, **head)
        else:
            calendar = calendar_update(
                actor=actor,
                calendar=existing,
                name=head["name"],
                time_zone=head["time_zone"],
                is_24x7=head["is_24x7"],
            )
        for weekday in range(7):
            working_hours_set(
                actor=actor, calendar=calendar, weekday=weekday, intervals=hours.get(weekday, ())
            )
        special_days_save(actor=actor, calendar=calendar, entries=entries, delete_others=True)
    return calendar


# --- CSV ------------------------------------------------------------------------------------


def _intervals_text(intervals: list[list[str]]) -> str:
    return " ".join(f"{start}-{end}" for start, end in intervals)


def _intervals_from_text(text: str) -> list[list[str]]:
    parts = text.replace(";", " ").replace(",", " ").split()
    pairs = [part.replace("–", "-").split("-") for part in parts]
    for pair in pairs:
        if len(pair) != 2:
            raise ValidationError(
                _("Write working hours like 09:00-12:00 13:00-18:00."), code="bad_intervals"
            )
    return pairs


def intervals_from_text(text: str) -> list[list[str]]:
    """``"09:00-12:00, 13:00-18:00"`` → ``[["09:00", "12:00"], ["13:00", "18:00"]]`` (unchecked)."""
    return _intervals_from_text(text)


def intervals_as_text(intervals: list[list[str]]) -> str:
    """The inverse of :func:`intervals_from_text`, for forms: ``09:00-12:00, 13:00-18:00``."""
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def special_days_export_csv(calendar: BusinessCalendar) -> str:
    """The special days of ``calendar`` as CSV (UTF-8 text, CRLF rows, a header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for day in calendar.special_days.order_by("date"):
        writer.writerow([day.date.isoformat(), day.kind, day.name, _intervals_text(day.intervals)])
    return out.getvalue()


def _csv_entries(text: str) -> list[SpecialDayIn]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    problems = _Problems()
    missing = [name for name in ("date", "kind") if name not in (reader.fieldnames or [])]
    if missing:
        problems.add("line 1", _("The header row needs the columns date,kind,name,intervals."))
        problems.raise_if_any()
    entries: list[SpecialDayIn] = []
    for row in reader:
        place = f"line {reader.line_num}"
        intervals = problems.check(place, _intervals_from_text, row.get("intervals") or "")
        if intervals is None:
            continue
        entry = _special_day_entry(
            problems,
            place,
            row.get("date") or "",
            (row.get("kind") or "").strip(),
            row.get("name") or "",
            intervals,
        )
        if entry is not None:
            entries.append(entry)
    problems.raise_if_any()
    return entries


def special_days_import_csv(
    *, actor: Any = None, calendar: BusinessCalendar, text: str
) -> tuple[int, int]:
    """Add or replace the special days listed in CSV; returns ``(created, updated)``."""
    return special_days_save(actor=actor, calendar=calendar, entries=_csv_entries(text))


# --- iCal -----------------------------------------------------------------------------------


def _ical_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ical_unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append("\n" if following in "nN" and following else following)
        else:
            out.append(char)
    return "".join(out)


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, never splitting a UTF-8 character."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation line starts with one space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def special_days_export_ical(calendar: BusinessCalendar) -> str:
    """The special days of ``calendar`` as an iCalendar file of all-day events."""
    stamp = (calendar.updated_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//gongdan//business calendar//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ical_escape(calendar.name)}",
        f"X-WR-TIMEZONE:{calendar.time_zone}",
    ]
    for day in calendar.special_days.order_by("date"):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{day.date:%Y%m%d}-{day.kind}@{calendar.code}.gongdan",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day.date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ical_escape(day.name or day.get_kind_display())}",
            f"CATEGORIES:{ICAL_KINDS[day.kind]}",
            f"X-GONGDAN-KIND:{day.kind}",
            "TRANSP:" + ("OPAQUE" if day.kind == "holiday" else "TRANSPARENT"),
        ]
        if day.intervals:
            lines.append(f"X-GONGDAN-HOURS:{_intervals_text(day.intervals)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) for line in lines)


def _unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines, each with the number of the physical line it starts on."""
    logical: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if raw[:1] in {" ", "\t"} and logical:
            start, line = logical[-1]
            logical[-1] = (start, line + raw[1:])
        else:
            logical.append((number, raw))
    return logical


def _content_line(line: str) -> tuple[str, dict[str, str], str]:
    """``NAME;PARAM=VALUE:text`` → name, params, text (a colon inside quotes is not the split)."""
    in_quotes, split = False, -1
    for index, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            split = index
            break
    if split < 0:
        raise ValidationError(_("This line has no “:”."), code="bad_line")
    head, value = line[:split], line[split + 1 :]
    name, *params = head.split(";")
    pairs = dict(param.split("=", 1) for param in params if "=" in param)
    return name.upper(), {k.upper(): v.strip('"') for k, v in pairs.items()}, value


def _ical_date(params: dict[str, str], value: str) -> date:
    if params.get("VALUE", "DATE") != "DATE" or len(value) != 8 or not value.isdigit():
        raise ValidationError(
            _("Only all-day events (dates like 20261001) can be imported."), code="not_all_day"
        )
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date.") % {"value": value}, code="bad_date"
        ) from None


def _event_kind(props: dict[str, str]) -> str:
    if props.get("X-GONGDAN-KIND"):
        return props["X-GONGDAN-KIND"].strip()
    categories = {c.strip().upper() for c in props.get("CATEGORIES", "").split(",")}
    return next((kind for kind, label in ICAL_KINDS.items() if label in categories), "holiday")


@dataclass
class _Event:
    line: int
    props: dict[str, str] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    failed: bool = False


def _event_entries(problems: _Problems, event: _Event) -> list[SpecialDayIn]:
    place = f"line {event.line}"
    first = event.dates.get("DTSTART")
    if first is None:
        problems.add(place, _("This event has no all-day DTSTART."))
        return []
    length = (event.dates.get("DTEND", first + timedelta(days=1)) - first).days
    if not 1 <= length <= MAX_EVENT_DAYS:
        problems.add(
            place, _("This event must last between 1 and %(days)d days.") % {"days": MAX_EVENT_DAYS}
        )
        return []
    kind, name = _event_kind(event.props), _ical_unescape(event.props.get("SUMMARY", ""))
    try:
        hours = _intervals_from_text(event.props.get("X-GONGDAN-HOURS", ""))
    except ValidationError as exc:
        problems.add(place, " ".join(exc.messages))
        return []
    days = (first + timedelta(days=offset) for offset in range(length))
    entries = [
        _special_day_entry(problems, place, day.isoformat(), kind, name, hours) for day in days
    ]
    return [entry for entry in entries if entry is not None]


def _event_property(
    problems: _Problems, event: _Event, number: int, parsed: tuple[str, dict[str, str], str]
) -> None:
    name, params, value = parsed
    if name not in {"DTSTART", "DTEND"}:
        event.props[name] = value
        return
    try:
        event.dates[name] = _ical_date(params, value)
    except ValidationError as exc:
        problems.add(f"line {number}", " ".join(exc.messages))
        event.failed = True


def _ical_entries(text: str) -> list[SpecialDayIn]:
    problems = _Problems()
    entries: list[SpecialDayIn] = []
    event: _Event | None = None
    for number, line in _unfold(text.removeprefix("\ufeff")):
        if not line.strip():
            continue
        try:
            parsed = _content_line(line)
        except ValidationError as exc:
            problems.add(f"line {number}", " ".join(exc.messages))
            continue
        marker = (parsed[0], parsed[2].strip().upper())
        if marker == ("BEGIN", "VEVENT"):
            event = _Event(line=number)
        elif marker == ("END", "VEVENT") and event is not None:
            entries += [] if event.failed else _event_entries(problems, event)
            event = None
        elif event is not None:
            _event_property(problems, event, number, parsed)
    if not entries and not problems.fields:
        problems.add("line 1", _("This iCalendar file has no events."))
    problems.raise_if_any()
    return entries


def special_days_import_ical(
    *, actor: Any = None, calendar: BusinessCalendar, text: str
) -> tuple[int, int]:
    """Add or replace the special days of an iCalendar file; returns ``(created, updated)``."""
    return special_days_save(actor=actor, calendar=calendar, entries=_ical_entries(text))


# --- One entry point for the pages and the API ------------------------------------------------

FORMATS = ("json", "csv", "ical")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
_EXTENSIONS = {".json": "json", ".csv": "csv", ".ics": "ical", ".ical": "ical", ".ifb": "ical"}
_CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "ical": "text/calendar; charset=utf-8",
}


@dataclass(frozen=True)
class ImportResult:
    calendar: BusinessCalendar
    format: str
    special_days: int  # special days written (JSON: the calendar's special days after import)


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed("calendar.import_invalid", message, fields={field_name: message})


def import_format(*, filename: str, declared: str = "") -> str:
    """``json``, ``csv`` or ``ical``: as declared, else from the file name's extension."""
    if declared:
        if declared not in FORMATS:
            raise _invalid("format", _("Choose JSON, CSV or iCal."))
        return declared
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if suffix not in _EXTENSIONS:
        raise _invalid(
            "format", _("Name the file .json, .csv or .ics, or choose its format explicitly.")
        )
    return _EXTENSIONS[suffix]


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without BOM), or GB18030 (Excel in China)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise _invalid(
            "file",
            _("The file is too large (at most %(size)d MB).")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
        )
    if not data.strip():
        raise _invalid("file", _("The file is empty."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _invalid("file", _("The file is not text in UTF-8 or GB18030."))  # pragma: no cover


def calendar_import(
    *,
    actor: Any,
    fmt: str,
    text: str,
    calendar: BusinessCalendar | None = None,
    replace: bool = False,
) -> ImportResult:
    """Import a file of ``fmt``: JSON creates (or with ``replace`` overwrites) a calendar; CSV
    and iCal add or replace special days of ``calendar``. All or nothing; administrators only.

    A JSON file imported into a given ``calendar`` must carry that calendar's code (and then
    replaces it).
    """
    if actor is not None:
        require_calendar_admin(actor)
    if fmt == "json":
        if calendar is not None:
            code = (_load_json(text).get("calendar") or {}).get("code")
            if code != calendar.code:
                raise _invalid(
                    "calendar.code",
                    _("This file is the calendar “%(code)s”, not “%(expected)s”.")
                    % {"code": code, "expected": calendar.code},
                )
            replace = True
        imported = calendar_import_json(actor=actor, text=text, replace=replace)
        return ImportResult(imported, fmt, imported.special_days.count())
    if calendar is None:
        raise _invalid("calendar", _("Choose the calendar that gets these special days."))
    if fmt == "csv":
        created, updated = special_days_import_csv(actor=actor, calendar=calendar, text=text)
    elif fmt == "ical":
        created, updated = special_days_import_ical(actor=actor, calendar=calendar, text=text)
    else:
        raise _invalid("format", _("Choose JSON, CSV or iCal."))
    return ImportResult(calendar, fmt, created + updated)


def calendar_export(calendar: BusinessCalendar, fmt: str) -> tuple[str, str, str]:
    """``(content, content type, file name)`` of ``calendar`` in ``fmt`` (json, csv, ical)."""
    if fmt == "json":
        return calendar_export_json(calendar), _CONTENT_TYPES[fmt], f"{calendar.code}.json"
    if fmt == "csv":
        content = special_days_export_csv(calendar)
        return content, _CONTENT_TYPES[fmt], f"{calendar.code}-special-days.csv"
    if fmt == "ical":
        return special_days_export_ical(calendar), _CONTENT_TYPES[fmt], f"{calendar.code}.ics"
    raise _invalid("format", _("Choose JSON, CSV or iCal."))
