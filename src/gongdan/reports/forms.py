"""The dashboards' period picker and filters (display only: ``reports.query`` parses them, so
the pages and the API refuse the same input with the same message)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import User
from gongdan.accounts.selectors import assignable_staff, team_list
from gongdan.customers.selectors import organization_list
from gongdan.reports.filters import GROUPS, INTERVALS
from gongdan.reports.scope import Scope
from gongdan.tickets.choices import Channel, Priority
from gongdan.tickets.models import Category, TicketType

PERIOD_CHOICES = [
    ("today", _("Today")),
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("month", _("This month")),
    ("last_month", _("Last month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("custom", _("Custom")),
]
GROUP_LABELS = {
    "": _("Total"),
    "team": _("Team"),
    "assignee": _("Agent"),
    "ticket_type": _("Type"),
    "category": _("Category"),
    "channel": _("Channel"),
    "organization": _("Organization"),
    "priority": _("Priority"),
}
INTERVAL_LABELS = {"day": _("Day"), "week": _("Week"), "month": _("Month")}


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    """Period and filters, named as the API and ``tickets_list`` name them."""

    period = forms.ChoiceField(label=_("Period"), required=False, choices=PERIOD_CHOICES)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    team = forms.ChoiceField(label=_("Team"), required=False)
    assignee = forms.ChoiceField(label=_("Agent"), required=False)
    ticket_type = forms.ChoiceField(label=_("Type"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    organization = forms.ChoiceField(label=_("Organization"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any priority")), *Priority.choices]
    )

    def __init__(self, *args: Any, user: User, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f: dict[str, Any] = self.fields
        f["period"].initial = "30d"
        teams = team_list(user=user)
        if scope.teams:
            teams = teams.filter(pk__in=sorted(scope.teams))
        f["team"].choices = [("", _("Any team")), *((str(t.pk), t.name) for t in teams)]
        f["assignee"].choices = [
            ("", _("Anyone")),
            *((str(u.pk), str(u)) for u in assignable_staff(team=None)),
        ]
        types = TicketType.objects.filter(is_active=True).order_by("sort_order", "id")
        f["ticket_type"].choices = [("", _("Any type")), *((str(t.pk), t.label) for t in types)]
        cats = Category.objects.filter(is_active=True).order_by("sort_order", "id")
        f["category"].choices = [("", _("Any category")), *((str(c.pk), c.label) for c in cats)]
        orgs = organization_list(user=user)[:500]
        f["organization"].choices = [
            ("", _("Any organization")),
            *((str(o.pk), o.name) for o in orgs),
        ]
        if scope.is_personal:  # "My figures": the agent is always the reader
            for name in ("assignee", "team"):
                del f[name]
        style_fields(self)


class SeriesForm(forms.Form):
    """The trend chart's metric, interval and grouping."""

    metric = forms.ChoiceField(label=_("Metric"), required=False)
    interval = forms.ChoiceField(
        label=_("Interval"), required=False, choices=[(i, INTERVAL_LABELS[i]) for i in INTERVALS]
    )
    group_by = forms.ChoiceField(
        label=_("Group by"), required=False, choices=[(g, GROUP_LABELS[g]) for g in ("", *GROUPS)]
    )

    def __init__(self, *args: Any, metrics: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metrics  # type: ignore[attr-defined]
        style_fields(self)
