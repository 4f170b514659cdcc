"""Forms of the calendar administration pages: they parse and shape input, services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.core import forms as forms_kit
from gongdan.core.errors import DomainError
from gongdan.sla.choices import SpecialDayKind, Weekday
from gongdan.sla.io import intervals_as_text, intervals_from_text
from gongdan.sla.models import DEFAULT_TIME_ZONE, BusinessCalendar, SpecialDay

INTERVALS_HELP = _("Like 09:00-12:00, 13:00-18:00; empty: no work.")


def place_errors(form: forms.BaseForm, exc: DomainError, aliases: dict[str, str]) -> None:
    """Show a service's error next to the form's fields (``aliases``: service → form name)."""
    forms_kit.add_domain_error(form, exc, aliases)


def _intervals(text: str) -> list[list[str]]:
    try:
        return intervals_from_text(text or "")
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages) from exc


class CalendarForm(forms.Form):
    """Create (with a code) or edit (the code is fixed) a calendar's settings."""

    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits, - and _; used in links and the API. Cannot change later."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial=DEFAULT_TIME_ZONE,
        help_text=_("IANA name, e.g. Asia/Shanghai or Europe/Berlin."),
    )
    is_24x7 = forms.BooleanField(
        label=_("24×7: works around the clock; only special days interrupt it"), required=False
    )
    is_default = forms.BooleanField(
        label=_("Default calendar (for SLA policies without a calendar)"), required=False
    )

    def __init__(
        self,
        *args: Any,
        calendar: BusinessCalendar | None = None,
        readonly: bool = False,
        **kw: Any,
    ) -> None:
        if calendar is not None:
            kw.setdefault(
                "initial",
                {
                    "name": calendar.name,
                    "time_zone": calendar.time_zone,
                    "is_24x7": calendar.is_24x7,
                    "is_default": calendar.is_default,
                },
            )
        super().__init__(*args, **kw)
        if calendar is not None:
            del self.fields["code"]
        for field in self.fields.values():
            field.disabled = readonly
        style_fields(self)


class HoursForm(forms.Form):
    """The weekly hours: per weekday its intervals and, optionally, breaks to cut out."""

    def __init__(
        self,
        *args: Any,
        week: dict[int, list[list[str]]] | None = None,
        readonly: bool = False,
        **kw: Any,
    ) -> None:
        week = week or {}
        kw.setdefault(
            "initial", {f"hours_{day}": intervals_as_text(week.get(day, [])) for day in range(7)}
        )
        super().__init__(*args, **kw)
        for day, label in Weekday.choices:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label, required=False, max_length=200, disabled=readonly
            )
            self.fields[f"breaks_{day}"] = forms.CharField(
                label=gettext("Breaks on %(weekday)s") % {"weekday": label},
                required=False,
                max_length=200,
                disabled=readonly,
                widget=forms.TextInput(attrs={"placeholder": gettext("e.g. 12:00-13:00")}),
            )
        style_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in list(self.fields):
            if name in cleaned:
                try:
                    cleaned[name] = _intervals(cleaned[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(label), self[f"hours_{day}"], self[f"breaks_{day}"])
            for day, label in Weekday.choices
        ]

    def week(self) -> tuple[dict[int, list[list[str]]], dict[int, list[list[str]]]]:
        """``(hours, breaks)`` by weekday, from valid data."""
        data = self.cleaned_data
        hours = {day: data[f"hours_{day}"] for day in range(7)}
        breaks = {day: data[f"breaks_{day}"] for day in range(7) if data[f"breaks_{day}"]}
        return hours, breaks

    @staticmethod
    def aliases() -> dict[str, str]:
        names = {f"hours.{day}": f"hours_{day}" for day in range(7)}
        return names | {f"breaks.{day}": f"breaks_{day}" for day in range(7)}


class SpecialDayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SpecialDayKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("e.g. 春节 or 国庆节调休")
    )
    hours = forms.CharField(
        label=_("Working hours"),
        max_length=200,
        required=False,
        help_text=_(
            "A half day: its hours, e.g. 09:00-12:00. A make-up workday: empty for Monday's hours."
        ),
    )

    def __init__(self, *args: Any, day: SpecialDay | None = None, **kw: Any) -> None:
        if day is not None:
            kw.setdefault(
                "initial",
                {
                    "date": day.date,
                    "kind": day.kind,
                    "name": day.name,
                    "hours": intervals_as_text(day.intervals),
                },
            )
        super().__init__(*args, **kw)
        style_fields(self)

    def clean_hours(self) -> list[list[str]]:
        return _intervals(self.cleaned_data.get("hours", ""))

    ALIASES = {"intervals": "hours"}


_FORMAT_CHOICES = [
    ("", _("from the file name (.json, .csv, .ics)")),
    ("json", "JSON"),
    ("csv", "CSV"),
    ("ical", "iCal"),
]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"), choices=_FORMAT_CHOICES, required=False)
    replace = forms.BooleanField(label=_("Replace the calendar with the same code"), required=False)

    def __init__(self, *args: Any, into_calendar: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if into_calendar:
            del self.fields["replace"]  # a file for this calendar always replaces its days
        else:
            self.fields["format"] = forms.ChoiceField(
                label=_("Format"), choices=_FORMAT_CHOICES[:2], required=False
            )
        style_fields(self)


_LINE = re.compile(r"^line (\d+)$")
_ITEM = re.compile(r"^special_days\[(\d+)\]$")
_WEEKDAY = re.compile(r"^working_hours\.(\d)$")


def place_label(place: str) -> str:
    """An import problem's place (``line 7``, ``special_days[2]``) in the reader's language."""
    if match := _LINE.match(place):
        return gettext("Line %(number)s") % {"number": match.group(1)}
    if match := _ITEM.match(place):
        return gettext("Special day no. %(number)d") % {"number": int(match.group(1)) + 1}
    if (match := _WEEKDAY.match(place)) and int(match.group(1)) in Weekday.values:
        return gettext("Working hours on %(weekday)s") % {
            "weekday": Weekday(int(match.group(1))).label
        }
    labels = {
        "file": gettext("File"),
        "format": gettext("Format"),
        "calendar": gettext("Calendar"),
        "calendar.code": gettext("Code"),
        "calendar.name": gettext("Name"),
        "calendar.time_zone": gettext("Time zone"),
        "working_hours": gettext("Working hours"),
        "special_days": gettext("Special days"),
    }
    return labels.get(place, place)
