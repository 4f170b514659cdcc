"""Settings → Calendars: business calendars in the workspace (/desk/settings/calendars/).

Supervisors and administrators see every page; only administrators may post (everyone else
gets 403 before anything is read). Each view parses input, calls one service or selector and
renders; htmx requests for special days get the ``_special_days.html`` fragment.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.core.errors import DomainError, NotFound
from gongdan.core.htmx import is_htmx
from gongdan.core.pages import page_guard
from gongdan.sla import io, selectors, services
from gongdan.sla.clock import Interval
from gongdan.sla.forms import (
    CalendarForm,
    HoursForm,
    ImportForm,
    SpecialDayForm,
    place_errors,
    place_label,
)
from gongdan.sla.models import BusinessCalendar
from gongdan.sla.policies import can_edit_calendars, can_view_calendars
from gongdan.sla.validation import intervals_to_json

# Sign-in first; supervisors and admins may look; only admins may post.
calendar_page = page_guard(can_view_calendars, may_post=can_edit_calendars)


def _calendar(request: HttpRequest, code: str) -> BusinessCalendar:
    try:
        return selectors.calendar_get(code=code, user=request.user)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _week(calendar: BusinessCalendar) -> dict[int, list[list[str]]]:
    week: dict[int, list[Interval]] = {}
    for row in calendar.working_hours.order_by("weekday", "start"):
        week.setdefault(row.weekday, []).append((row.start, row.end))
    return {day: intervals_to_json(ivs) for day, ivs in week.items()}


@require_GET
@calendar_page
def calendar_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.calendar_list(user=request.user)
    form = ImportForm() if can_edit_calendars(request.user) else None
    return render(request, "sla/calendar_list.html", {"rows": rows, "import_form": form})


@require_http_methods(["GET", "POST"])
@calendar_page
def calendar_new(request: HttpRequest) -> HttpResponse:
    if not can_edit_calendars(request.user):
        raise PermissionDenied
    form = CalendarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.calendar_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            place_errors(form, exc, {})
        else:
            messages.success(request, _("The calendar was created. Now set its working hours."))
            return redirect("calendars:detail", code=calendar.code)
    status = 422 if form.errors else 200
    return render(request, "sla/calendar_new.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    calendar: BusinessCalendar,
    *,
    form: CalendarForm | None = None,
    hours: HoursForm | None = None,
    upload: ImportForm | None = None,
    import_errors: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    readonly = not can_edit_calendars(request.user)
    context = {
        "calendar": calendar,
        "can_edit": not readonly,
        "years": selectors.special_day_years([calendar])[calendar.pk],
        "form": form or CalendarForm(calendar=calendar, readonly=readonly),
        "hours": hours or HoursForm(week=_week(calendar), readonly=readonly),
        "import_form": upload or ImportForm(into_calendar=True),
        "import_errors": import_errors or [],
        "formats": [("json", "JSON"), ("csv", "CSV"), ("ical", "iCal")],
    }
    failed = import_errors or any(f is not None and f.errors for f in (form, hours, upload))
    status = 422 if failed else 200
    return render(request, "sla/calendar_detail.html", context, status=status)


@require_GET
@calendar_page
def calendar_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _calendar(request, code))


@require_POST
@calendar_page
def calendar_edit(request: HttpRequest, code: str) -> HttpResponse:
    calendar = _calendar(request, code)
    form = CalendarForm(request.POST, calendar=calendar)
    if form.is_valid():
        try:
            services.calendar_update(actor=request.user, calendar=calendar, **form.cleaned_data)
        except DomainError as exc:
            place_errors(form, exc, {})
        else:
            messages.success(request, _("The calendar was saved."))
            return redirect("calendars:detail", code=calendar.code)
    return _detail(request, calendar, form=form)


@require_POST
@calendar_page
def calendar_hours(request: HttpRequest, code: str) -> HttpResponse:
    calendar = _calendar(request, code)
    current = _week(calendar)
    form = HoursForm(request.POST, week=current)
    if form.is_valid():
        hours, breaks = form.week()
        changed = {day: ivs for day, ivs in hours.items() if ivs != current.get(day, [])}
        changed |= {day: hours[day] for day in breaks}
        try:
            services.working_week_set(
                actor=request.user, calendar=calendar, week=changed, breaks=breaks
            )
        except DomainError as exc:
            place_errors(form, exc, HoursForm.aliases())
        else:
            messages.success(request, _("The working hours were saved."))
            return redirect("calendars:detail", code=calendar.code)
    return _detail(request, calendar, hours=form)


def _special_days(
    request: HttpRequest,
    calendar: BusinessCalendar,
    year: int,
    *,
    form: SpecialDayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    days = list(selectors.special_day_list(user=request.user, calendar=calendar, year=year))
    years = [y for y, _n in selectors.special_day_years([calendar])[calendar.pk]]
    switcher = sorted({*years, year - 1, year, year + 1})
    context = {
        "calendar": calendar,
        "year": year,
        "years": switcher,
        "days": days,
        "form": form or SpecialDayForm(initial={"date": date(year, 1, 1)}),
        "can_edit": can_edit_calendars(request.user),
    }
    template = "sla/_special_days.html" if is_htmx(request) else "sla/special_days.html"
    return render(request, template, context, status=status)


def _year(request: HttpRequest) -> int:
    """The year asked for; a bad one is reported and this year shown instead."""
    try:
        return selectors.checked_year(request.GET.get("year") or request.POST.get("year"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return selectors.checked_year(None)


@require_http_methods(["GET", "POST"])
@calendar_page
def special_days(request: HttpRequest, code: str) -> HttpResponse:
    """A year's special days; POST adds one or replaces the one of its date."""
    calendar = _calendar(request, code)
    year = _year(request)
    if request.method == "GET":
        editing = request.GET.get("edit", "")
        day = calendar.special_days.filter(date=editing).first() if _is_date(editing) else None
        return _special_days(request, calendar, year, form=SpecialDayForm(day=day) if day else None)
    form = SpecialDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.special_day_set(
                actor=request.user,
                calendar=calendar,
                date=data["date"],
                kind=data["kind"],
                name=data["name"],
                intervals=data["hours"],
            )
        except DomainError as exc:
            place_errors(form, exc, SpecialDayForm.ALIASES)
        else:
            if not is_htmx(request):
                messages.success(request, _("The special day was saved."))
                return redirect(_days_url(calendar, data["date"].year))
            return _special_days(request, calendar, data["date"].year)
    return _special_days(request, calendar, year, form=form, status=422)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _days_url(calendar: BusinessCalendar, year: int) -> str:
    return f"{reverse('calendars:special_days', args=[calendar.code])}?year={year}"


@require_POST
@calendar_page
def special_day_delete(request: HttpRequest, code: str, day: str) -> HttpResponse:
    calendar = _calendar(request, code)
    if not _is_date(day):
        raise Http404
    when = date.fromisoformat(day)
    try:
        services.special_day_delete(actor=request.user, calendar=calendar, date=when)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if is_htmx(request):
        return _special_days(request, calendar, when.year)
    messages.success(request, _("The special day was deleted."))
    return redirect(_days_url(calendar, when.year))


def _import(
    request: HttpRequest, form: ImportForm, calendar: BusinessCalendar | None
) -> tuple[io.ImportResult | None, list[tuple[str, str]]]:
    """Run the import of a valid form; ``(result, [])`` or ``(None, [(place, message)])``."""
    upload = form.cleaned_data["file"]
    try:
        fmt = io.import_format(filename=upload.name or "", declared=form.cleaned_data["format"])
        text = io.decode_upload(upload.read(io.MAX_IMPORT_BYTES + 1))
        with transaction.atomic():
            result = io.calendar_import(
                actor=request.user,
                fmt=fmt,
                text=text,
                calendar=calendar,
                replace=form.cleaned_data.get("replace", False),
            )
    except DomainError as exc:
        errors = [(place_label(place), str(msg)) for place, msg in exc.fields.items()]
        return None, errors or [("", str(exc.message))]
    return result, []


def _imported(request: HttpRequest, result: io.ImportResult) -> HttpResponse:
    messages.success(
        request,
        _("Imported %(count)d special days into “%(name)s”.")
        % {"count": result.special_days, "name": result.calendar.name},
    )
    return redirect("calendars:detail", code=result.calendar.code)


@require_POST
@calendar_page
def calendar_import(request: HttpRequest) -> HttpResponse:
    """A JSON export becomes a new calendar (or replaces the one with its code)."""
    form = ImportForm(request.POST, request.FILES)
    errors: list[tuple[str, str]] = []
    if form.is_valid():
        result, errors = _import(request, form, None)
        if result is not None:
            return _imported(request, result)
    rows = selectors.calendar_list(user=request.user)
    context = {"rows": rows, "import_form": form, "import_errors": errors}
    return render(request, "sla/calendar_list.html", context, status=422)


@require_POST
@calendar_page
def calendar_import_into(request: HttpRequest, code: str) -> HttpResponse:
    """CSV or iCal special days (or this calendar's own JSON export) into one calendar."""
    calendar = _calendar(request, code)
    form = ImportForm(request.POST, request.FILES, into_calendar=True)
    errors: list[tuple[str, str]] = []
    if form.is_valid():
        result, errors = _import(request, form, calendar)
        if result is not None:
            return _imported(request, result)
    return _detail(request, calendar, upload=form, import_errors=errors)


@require_GET
@calendar_page
def calendar_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    calendar = _calendar(request, code)
    if fmt not in io.FORMATS:
        raise Http404
    content, content_type, filename = io.calendar_export(calendar, fmt)
    response = HttpResponse(content.encode(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


app_name = "calendars"
urlpatterns = [
    path("", calendar_list, name="list"),
    path("new/", calendar_new, name="new"),
    path("import/", calendar_import, name="import"),
    path("<slug:code>/", calendar_detail, name="detail"),
    path("<slug:code>/edit/", calendar_edit, name="edit"),
    path("<slug:code>/hours/", calendar_hours, name="hours"),
    path("<slug:code>/special-days/", special_days, name="special_days"),
    path(
        "<slug:code>/special-days/<str:day>/delete/", special_day_delete, name="special_day_delete"
    ),
    path("<slug:code>/import/", calendar_import_into, name="import_into"),
    path("<slug:code>/export/<str:fmt>/", calendar_export, name="export"),
]
