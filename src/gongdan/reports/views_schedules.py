"""Reports → Scheduled reports in the workspace (/desk/reports/schedules/).

Supervisors and administrators only (everyone else: 403 before anything is read); a supervisor
sees and edits their own schedules, an administrator every one (another's: 404). Each view
parses input, calls one service or selector and renders; a form with errors answers 422.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.policies import is_manager
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.forms import add_domain_error
from gongdan.core.pages import page_guard
from gongdan.reports import schedules as svc
from gongdan.reports.schedule_forms import ScheduleForm, report_label, weekday_label
from gongdan.reports.schedule_models import ReportSchedule

# Sign-in first; then supervisors and administrators only.
manager_page = page_guard(is_manager)


def _schedule(request: HttpRequest, pk: int) -> ReportSchedule:
    try:
        return svc.schedule_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _row(schedule: ReportSchedule) -> dict[str, Any]:
    return {
        "schedule": schedule,
        "report": report_label(schedule.report),
        "weekday": weekday_label(schedule.weekday),
    }


@require_GET
@manager_page
def schedule_list(request: HttpRequest) -> HttpResponse:
    rows = [_row(s) for s in svc.schedule_list(user=request.user)]
    return render(
        request,
        "reports/schedules/list.html",
        {"rows": rows, "time_zone": settings.TIME_ZONE},
    )


def _form_page(
    request: HttpRequest, form: ScheduleForm, schedule: ReportSchedule | None
) -> HttpResponse:
    status = 422 if form.errors else 200
    context = {"form": form, "schedule": schedule, "time_zone": settings.TIME_ZONE}
    return render(request, "reports/schedules/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@manager_page
def schedule_new(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = svc.schedule_create(actor=request.user, data=form.to_input())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The scheduled report was created."))
            return redirect("report_schedules:detail", pk=schedule.pk)
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@manager_page
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk)
    initial = ScheduleForm.initial_for(schedule)
    form = ScheduleForm(request.POST or None, initial=initial, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            svc.schedule_update(actor=request.user, schedule=schedule, data=form.to_input())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The scheduled report was saved."))
            return redirect("report_schedules:detail", pk=schedule.pk)
    return _form_page(request, form, schedule)


@require_GET
@manager_page
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk)
    context = {
        **_row(schedule),
        "users": list(schedule.users.order_by("username")),
        "runs": svc.recent_runs(schedule),
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "reports/schedules/detail.html", context)


@require_POST
@manager_page
def schedule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk)
    active = not schedule.is_active
    svc.schedule_set_active(actor=request.user, schedule=schedule, active=active)
    messages.success(request, _("Resumed.") if active else _("Paused."))
    return redirect("report_schedules:detail", pk=schedule.pk)


@require_POST
@manager_page
def schedule_run(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk)
    svc.schedule_run_now(actor=request.user, schedule=schedule)
    messages.success(request, _("The report is being sent; its run is listed below."))
    return redirect("report_schedules:detail", pk=schedule.pk)


@require_POST
@manager_page
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk)
    svc.schedule_delete(actor=request.user, schedule=schedule)
    messages.success(request, _("The scheduled report was deleted."))
    return redirect("report_schedules:list")
