"""Settings → SLA policies (/desk/settings/sla-policies/): targets, conditions, escalation levels.

Supervisors and administrators see the pages; only administrators post (others get 403 before
anything is read, as on the calendar pages). A view parses the policy form and the level rows,
calls ``policy_services`` and renders; a refused save comes back with the service's messages
next to the fields (status 422) and nothing saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.core.errors import DomainError, NotFound
from gongdan.sla import policy_services as services
from gongdan.sla.calendar_views import calendar_page
from gongdan.sla.models import SlaPolicy
from gongdan.sla.policies import can_edit_calendars
from gongdan.sla.policy_forms import PolicyForm, level_formset, levels_from, place_errors


@require_GET
@calendar_page
def policy_list(request: HttpRequest) -> HttpResponse:
    rows = list(services.policy_list(user=request.user))
    context = {"rows": rows, "can_edit": can_edit_calendars(request.user)}
    return render(request, "sla/policy_list.html", context)


def _edit(request: HttpRequest, policy: SlaPolicy | None) -> HttpResponse:
    if request.method == "POST" and not can_edit_calendars(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    initial = PolicyForm.initial_for(policy) if policy is not None else None
    form = PolicyForm(data, initial=initial)
    formset = level_formset(data, policy)
    if data is not None and form.is_valid() and formset.is_valid():
        levels, rows = levels_from(formset)
        try:
            if policy is None:
                saved = services.policy_create(
                    actor=request.user, levels=levels, **form.cleaned_data
                )
            else:
                saved = services.policy_update(
                    actor=request.user, policy=policy, levels=levels, **form.cleaned_data
                )
        except DomainError as exc:
            place_errors(form, formset, rows, exc)
        else:
            messages.success(request, _("Saved the SLA policy %(name)s.") % {"name": saved.name})
            return redirect("sla_policies:list")
    failed = form.errors or any(f.errors for f in formset.forms) or formset.non_form_errors()
    context = {
        "policy": policy,
        "form": form,
        "formset": formset,
        "can_edit": can_edit_calendars(request.user),
    }
    return render(request, "sla/policy_edit.html", context, status=422 if failed else 200)


@require_http_methods(["GET", "POST"])
@calendar_page
def policy_new(request: HttpRequest) -> HttpResponse:
    if not can_edit_calendars(request.user):
        raise PermissionDenied
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@calendar_page
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        policy = services.policy_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return _edit(request, policy)


app_name = "sla_policies"
urlpatterns = [
    path("", policy_list, name="list"),
    path("new/", policy_new, name="new"),
    path("<int:pk>/", policy_edit, name="edit"),
]
