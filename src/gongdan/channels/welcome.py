"""The first-run page (``/desk/settings/welcome/``): a new install's first administrator is
guided through the desk's name, the default business calendar and its time zone, the first
team, the first ticket type and a mailbox; every step can be skipped, and the page is shown once
(``DeskSettings.welcome_done``, set by finishing or skipping it).

It lives in channels because it writes through services of the layers below (accounts, sla,
tickets) and links to the mailbox setup here. ``accounts.views.home`` sends an administrator
here while the flag is unset; installs that already had users when the flag was added, the demo
data and the test personas set it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongdan.accounts import desk, people
from gongdan.accounts.choices import TeamKind
from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team, User
from gongdan.accounts.settings_views import admin_page
from gongdan.core.errors import DomainError
from gongdan.core.forms import add_domain_error
from gongdan.sla import services as sla_services
from gongdan.sla.models import BusinessCalendar
from gongdan.sla.validation import validate_time_zone
from gongdan.tickets.models import TicketType
from gongdan.tickets.services.types import ticket_type_create

STEPS = ("desk", "calendar", "team", "type", "mailbox")


class DeskStepForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Desk name"), max_length=100)


class CalendarStepForm(forms.Form):
    calendar = forms.ModelChoiceField(
        label=gettext_lazy("Default business calendar"),
        queryset=BusinessCalendar.objects.order_by("name"),
        empty_label=None,
    )
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=gettext_lazy("IANA name, e.g. Asia/Shanghai or Europe/Berlin."),
    )


class TeamStepForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=50)
    kind = forms.ChoiceField(label=gettext_lazy("Grouped by"), choices=TeamKind.choices)


class TypeStepForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=50)
    default_team = forms.ModelChoiceField(
        label=gettext_lazy("Default team"),
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
    )


FORMS: dict[str, type[forms.Form]] = {
    "desk": DeskStepForm,
    "calendar": CalendarStepForm,
    "team": TeamStepForm,
    "type": TypeStepForm,
}


def _next(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else ""


def _initial(step: str) -> dict[str, Any]:
    if step == "desk":
        return {"name": desk.desk_settings().name}
    if step == "calendar":
        calendar = BusinessCalendar.objects.order_by("-is_default", "name").first()
        return {"calendar": calendar, "time_zone": calendar.time_zone if calendar else ""}
    return {}


def _save(step: str, actor: User, data: dict[str, Any]) -> None:
    if step == "desk":
        desk.desk_settings_update(actor=actor, name=data["name"])
    elif step == "calendar":
        sla_services.calendar_update(
            actor=actor, calendar=data["calendar"], time_zone=data["time_zone"], is_default=True
        )
    elif step == "team":
        people.team_create_checked(actor=actor, **data)
    elif step == "type":
        ticket_type_create(actor=actor, **data)


def _page(
    request: HttpRequest, step: str, form: forms.Form | None, status: int = 200
) -> HttpResponse:
    if form is not None:
        style_fields(form)
    context = {
        "step": step,
        "steps": STEPS,
        "number": STEPS.index(step) + 1,
        "form": form,
        "next": _next(step),
        "calendars": BusinessCalendar.objects.exists() if step == "calendar" else True,
        "teams": Team.objects.filter(is_active=True).order_by("name")[:20],
        "types": TicketType.objects.filter(is_active=True).order_by("sort_order", "name")[:20],
    }
    return render(request, "welcome/step.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_page
def step(request: HttpRequest, name: str = "desk") -> HttpResponse:
    if name not in STEPS:
        name = "desk"
    form_class = FORMS.get(name)
    if form_class is None:  # the mailbox step only links to the mailbox setup
        return _page(request, name, None)
    if request.method == "GET":
        return _page(request, name, form_class(initial=_initial(name)))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            _save(name, request.user, form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("welcome:step", name=_next(name))
    return _page(request, name, form, status=422)


@require_POST
@admin_page
def finish(request: HttpRequest) -> HttpResponse:
    skipped = request.POST.get("skipped") == "1"
    desk.welcome_finish(actor=request.user, skipped=skipped)  # type: ignore[arg-type]
    if not skipped:
        messages.success(request, _("Your desk is ready."))
    return redirect("tickets:list")


app_name = "welcome"
urlpatterns = [
    path("", step, name="start"),
    path("finish/", finish, name="finish"),
    path("<slug:name>/", step, name="step"),
]
