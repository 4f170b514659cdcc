"""Settings → Web forms, IM apps and SMS providers (/desk/settings/web-forms/, …/im-apps/,
…/sms/): administrators only (everyone else gets 403 before anything is read).

Each view parses a form, calls one service (the one the API calls, same validation) and
renders; a refused save comes back with the service's messages next to the fields (422) and
nothing saved. Secrets are never rendered back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.channels import im_apps
from gongdan.channels.choices import Vendor
from gongdan.channels.policies import may_manage_channels
from gongdan.channels.settings_forms import (
    ImAppForm,
    SmsProviderForm,
    SmsTestForm,
    WebFormSettingsForm,
)
from gongdan.channels.sms import configure as sms
from gongdan.channels.webform import configure as webforms
from gongdan.core import forms as forms_kit
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.pages import page_guard
from gongdan.tickets.views._common import actor

admin_page = page_guard(may_manage_channels)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    failed = any(
        getattr(v, "errors", None)
        for v in context.values()
        if hasattr(v, "is_bound") and v.is_bound
    )
    return render(request, template, context, status=422 if failed else 200)


# --- web forms -----------------------------------------------------------------------------------
@require_GET
@admin_page
def webform_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {"form": f, "snippet": webforms.embed_snippet(f), "url": webforms.page_url(f)}
        for f in webforms.webform_list(user=actor(request))
    ]
    return render(request, "channels/settings/webform_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_page
def webform_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    try:
        obj = webforms.webform_get(user=actor(request), pk=pk) if pk else None
    except NotFound as exc:
        raise Http404 from exc
    initial = None
    if obj is not None:
        initial = {
            "name": obj.name,
            "team": obj.team,
            "ticket_type": obj.ticket_type,
            "allowed_origins": "\n".join(obj.origins()),
            "is_active": obj.is_active,
        }
    form = WebFormSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if obj is None:
                obj = webforms.webform_create(actor=actor(request), **form.cleaned_data)
            else:
                webforms.webform_update(actor=actor(request), form=obj, **form.cleaned_data)
        except DomainError as exc:
            forms_kit.add_domain_error(form, exc)
            obj = webforms.webform_get(user=actor(request), pk=pk) if pk else None
        else:
            messages.success(request, _("Saved the web form %(name)s.") % {"name": obj.name})
            return redirect("channel_settings:webform", pk=obj.pk)
    context: dict[str, Any] = {"obj": obj, "form": form}
    if obj is not None:
        context |= {"snippet": webforms.embed_snippet(obj), "url": webforms.page_url(obj)}
        context["submit_url"] = webforms.submit_url(obj)
    return _render(request, "channels/settings/webform_edit.html", context)


# --- IM apps -------------------------------------------------------------------------------------
@require_GET
@admin_page
def im_app_list(request: HttpRequest) -> HttpResponse:
    context = {"rows": im_apps.im_app_list(user=actor(request)), "vendors": Vendor.choices}
    return render(request, "channels/settings/im_app_list.html", context)


@require_http_methods(["GET", "POST"])
@admin_page
def im_app_edit(request: HttpRequest, vendor: str, pk: int | None = None) -> HttpResponse:
    if vendor not in Vendor.values:
        raise Http404
    try:
        row = im_apps.im_app_get(user=actor(request), vendor=vendor, pk=pk) if pk else None
    except NotFound as exc:
        raise Http404 from exc
    secrets_set = row.secrets_set() if row else {}
    initial = row.public() if row else None
    form = ImAppForm(request.POST or None, initial=initial, vendor=vendor, secrets_set=secrets_set)
    if request.method == "POST" and form.is_valid():
        try:
            if row is None:
                row = im_apps.im_app_create(
                    actor=actor(request), vendor=vendor, **form.cleaned_data
                )
            else:
                im_apps.im_app_update(actor=actor(request), row=row, **form.cleaned_data)
        except DomainError as exc:
            forms_kit.add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved the IM app."))
            return redirect("channel_settings:im_apps")
    context: dict[str, Any] = {"row": row, "vendor": vendor, "form": form}
    context |= {"vendor_label": Vendor(vendor).label, "secrets_set": secrets_set}
    return _render(request, "channels/settings/im_app_edit.html", context)


# --- SMS providers -------------------------------------------------------------------------------
@require_GET
@admin_page
def sms_list(request: HttpRequest) -> HttpResponse:
    rows = sms.provider_list(user=actor(request))
    return render(request, "channels/settings/sms_list.html", {"rows": rows})


def _sms_page(request: HttpRequest, obj: Any, form: Any, test: Any = None) -> HttpResponse:
    context = {"obj": obj, "form": form, "test_form": test or SmsTestForm()}
    return _render(request, "channels/settings/sms_edit.html", context)


@require_http_methods(["GET", "POST"])
@admin_page
def sms_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    try:
        obj = sms.provider_get(user=actor(request), pk=pk) if pk else None
    except NotFound as exc:
        raise Http404 from exc
    initial = {f: getattr(obj, f) for f in sms.FIELDS} if obj else None
    secret_set = bool(obj and obj.key_secret)
    form = SmsProviderForm(request.POST or None, initial=initial, secret_set=secret_set)
    if request.method == "POST" and form.is_valid():
        try:
            if obj is None:
                obj = sms.provider_create(actor=actor(request), **form.cleaned_data)
            else:
                sms.provider_update(actor=actor(request), provider=obj, **form.cleaned_data)
        except DomainError as exc:
            forms_kit.add_domain_error(form, exc)
            obj = sms.provider_get(user=actor(request), pk=pk) if pk else None
        else:
            messages.success(request, _("Saved the SMS provider %(name)s.") % {"name": obj.name})
            return redirect("channel_settings:sms", pk=obj.pk)
    return _sms_page(request, obj, form)


@require_POST
@admin_page
def sms_test(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        obj = sms.provider_get(user=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    test = SmsTestForm(request.POST)
    if test.is_valid():
        try:
            ok, result = sms.provider_test_send(
                actor=actor(request), provider=obj, mobile=test.cleaned_data["mobile"]
            )
        except DomainError as exc:
            forms_kit.add_domain_error(test, exc)
        else:
            (messages.success if ok else messages.error)(request, result)
            return redirect("channel_settings:sms", pk=obj.pk)
    initial = {f: getattr(obj, f) for f in sms.FIELDS}
    form = SmsProviderForm(initial=initial, secret_set=bool(obj.key_secret))
    return _sms_page(request, obj, form, test)


app_name = "channel_settings"
urlpatterns = [
    path("web-forms/", webform_list, name="webforms"),
    path("web-forms/new/", webform_edit, name="webform_new"),
    path("web-forms/<int:pk>/", webform_edit, name="webform"),
    path("im-apps/", im_app_list, name="im_apps"),
    path("im-apps/<slug:vendor>/new/", im_app_edit, name="im_app_new"),
    path("im-apps/<slug:vendor>/<int:pk>/", im_app_edit, name="im_app"),
    path("sms/", sms_list, name="sms_list"),
    path("sms/new/", sms_edit, name="sms_new"),
    path("sms/<int:pk>/", sms_edit, name="sms"),
    path("sms/<int:pk>/test/", sms_test, name="sms_test"),
]
