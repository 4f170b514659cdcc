"""The SLA simulator page: the preview, as a form for supervisors and admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from gongdan.accounts.models import User
from gongdan.core.errors import DomainError
from gongdan.core.htmx import is_htmx
from gongdan.sla.models import BusinessCalendar, SlaPolicy
from gongdan.sla.preview import MAX_MINUTES, sla_preview


class SimulatorForm(forms.Form):
    policy = forms.ModelChoiceField(
        label=_("Policy"),
        queryset=SlaPolicy.objects.order_by("position", "id"),
        required=False,
        empty_label=_("— explicit targets below —"),
    )
    first_response = forms.IntegerField(
        label=_("First response (minutes)"), required=False, min_value=1, max_value=MAX_MINUTES
    )
    next_response = forms.IntegerField(
        label=_("Next response (minutes)"), required=False, min_value=1, max_value=MAX_MINUTES
    )
    resolution = forms.IntegerField(
        label=_("Resolution (minutes)"), required=False, min_value=1, max_value=MAX_MINUTES
    )
    mode = forms.ChoiceField(
        label=_("Count"),
        choices=[("business", _("business time")), ("calendar", _("calendar time (24×7)"))],
        initial="business",
    )
    calendar = forms.ModelChoiceField(
        label=_("Calendar"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("the default calendar"),
    )
    start = forms.DateTimeField(
        label=_("Opened at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


@require_http_methods(["GET"])
@login_required
def simulator(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_staff_member:
        raise PermissionDenied
    data = request.GET if "start" in request.GET else None
    initial = {"start": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    form = SimulatorForm(data, initial=initial)
    result = None
    if form.is_bound and form.is_valid():
        cleaned: dict[str, Any] = form.cleaned_data
        try:
            result = sla_preview(
                actor=user,
                start=timezone.make_naive(cleaned["start"]),
                policy=cleaned["policy"],
                targets={
                    "first_response": cleaned["first_response"],
                    "next_response": cleaned["next_response"],
                    "resolution": cleaned["resolution"],
                },
                business_time=cleaned["mode"] == "business",
                calendar_code=cleaned["calendar"].code if cleaned["calendar"] else "",
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            for field, message in exc.fields.items():
                if field in form.fields:
                    form.add_error(field, str(message))
    status = 422 if form.is_bound and form.errors else 200
    template = "sla/_simulator_result.html" if is_htmx(request) else "sla/simulator.html"
    return render(request, template, {"form": form, "result": result}, status=status)


app_name = "sla_tools"
urlpatterns = [path("simulator/", simulator, name="simulator")]
