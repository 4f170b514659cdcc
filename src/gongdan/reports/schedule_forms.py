"""The workspace form of a scheduled report; the service (``schedules``) does the checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team, User
from gongdan.customers.models import Organization
from gongdan.reports import hooks
from gongdan.reports.schedule_models import CoveredPeriod, FileFormat, Frequency, ReportSchedule
from gongdan.reports.schedules import ScheduleInput, user_choices
from gongdan.reports.selectors import REPORTS
from gongdan.tickets.choices import Channel, Priority
from gongdan.tickets.models import Category, TicketType

REPORT_LABELS = {
    "overview": _("Overview"),
    "agents": _("Agent performance"),
    "stage_dwell": _("Stage dwell time"),
    "insight": _("Customer insight"),
    "cost": _("Cost"),
}
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
FILTERS = ("team", "assignee", "ticket_type", "category", "channel", "organization", "priority")


def report_label(name: str) -> str:
    return str(REPORT_LABELS.get(name, name))


def weekday_label(value: int | None) -> str:
    return str(dict(WEEKDAYS).get(value, "")) if value is not None else ""


class ScheduleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    report = forms.ChoiceField(
        label=_("Report"), choices=[(r, REPORT_LABELS.get(r, r)) for r in REPORTS]
    )
    period = forms.ChoiceField(label=_("Each run covers"), choices=CoveredPeriod.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    weekday = forms.TypedChoiceField(
        label=_("Weekday (weekly)"),
        choices=[("", "—"), *WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    day_of_month = forms.IntegerField(
        label=_("Day of the month (monthly)"),
        required=False,
        help_text=_("1–31; 29–31 run on the last day of shorter months."),
    )
    time_of_day = forms.TimeField(
        label=_("Time of day"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In the desk's time zone."),
    )
    file_format = forms.ChoiceField(label=_("Format"), choices=FileFormat.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Agent"), queryset=User.objects.none(), required=False
    )
    ticket_type = forms.ModelChoiceField(
        label=_("Ticket type"), queryset=TicketType.objects.all(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.all(), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", "—"), *Priority.choices], required=False
    )
    users = forms.ModelMultipleChoiceField(
        label=_("Users"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Each user receives the report as they may see it."),
    )
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Addresses receive the report as you see it."),
    )
    robots = forms.TypedMultipleChoiceField(
        label=_("Group robots"),
        coerce=int,
        required=False,
        help_text=_("A short summary and a link; the robots' groups see your figures."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, owner: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = user_choices()
        self.fields["users"].queryset = staff  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = staff  # type: ignore[attr-defined]
        self.fields["robots"].choices = hooks.robot_choices(owner)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, schedule: ReportSchedule) -> dict[str, Any]:
        return {
            **{k: getattr(schedule, k) for k in ("name", "report", "period", "frequency")},
            "weekday": schedule.weekday,
            "day_of_month": schedule.day_of_month,
            "time_of_day": schedule.time_of_day,
            "file_format": schedule.file_format,
            **{k: v for k, v in (schedule.filters or {}).items() if k in FILTERS},
            "users": list(schedule.users.values_list("pk", flat=True)),
            "emails": "\n".join(schedule.emails),
            "robots": list(schedule.robots),
            "is_active": schedule.is_active,
        }

    def to_input(self) -> ScheduleInput:
        d = self.cleaned_data
        filters = {}
        for key in FILTERS:
            value = d.get(key)
            if value not in (None, ""):
                filters[key] = value.pk if hasattr(value, "pk") else value
        emails = [e for e in d.get("emails", "").replace(",", "\n").splitlines() if e.strip()]
        return ScheduleInput(
            name=d["name"],
            report=d["report"],
            period=d["period"],
            frequency=d["frequency"],
            time_of_day=d["time_of_day"],
            weekday=d.get("weekday"),
            day_of_month=d.get("day_of_month"),
            file_format=d["file_format"],
            filters=filters,
            users=[u.pk for u in d.get("users") or []],
            emails=emails,
            robots=list(d.get("robots") or []),
            is_active=bool(d.get("is_active")),
        )
