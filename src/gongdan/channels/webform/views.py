"""``/channels/webform/<key>/`` (the page to embed) and ``…/submit`` (JSON for own front ends).

Both are public and CSRF-exempt (no session is used; the visitor has no account). The page may be
framed only by the form's allowed origins (CSP ``frame-ancestors``; ``X-Frame-Options`` is left out
when origins are set, as it cannot name them). The JSON endpoint answers CORS requests from those
origins only. Errors are ``{"code", "message", "fields"}`` in the visitor's language.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP  # type: ignore[import-not-found,unused-ignore]
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from gongdan.channels.models import WebForm
from gongdan.channels.webform.forms import HONEYPOT, WebFormForm
from gongdan.channels.webform.services import Submission, webform_submit
from gongdan.core.errors import DomainError
from gongdan.core.public_limits import webform_limited
from gongdan.customers.services import normalize_mobile

BODY_MAX = 16 * 1024  # bytes; the longest valid submission is well below this
FIELDS = ("name", "email", "mobile", "title", "description")
Payload = tuple[int, dict[str, Any]]


def _active_form(key: str) -> WebForm | None:
    return (
        WebForm.objects.select_related("team", "ticket_type")
        .filter(key=key, is_active=True)
        .first()
    )


def _error(code: str, message: str, status: int, fields: dict[str, Any] | None = None) -> Payload:
    return status, {"code": code, "message": message, "fields": fields or {}}


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}".lower()


def _origin_allowed(request: HttpRequest, form: WebForm, origin: str) -> bool:
    """No Origin (not a browser's cross-site call), our own site, or one of the form's origins."""
    origin = origin.rstrip("/").lower()
    return not origin or origin == _own_origin(request) or origin in form.origins()


def _process(request: HttpRequest, form: WebForm, data: Submission, honeypot: str) -> Payload:
    """Rate limits, the honeypot, then the service; (status, JSON-ready body)."""
    addresses = [a for a in (data.email.strip().lower(), normalize_mobile(data.mobile)) if a]
    if webform_limited(request, addresses=addresses):
        message = _("Too many submissions in a short time. Please try again later.")
        return _error("webform.rate_limited", message, 429)
    lookup_url = request.build_absolute_uri(reverse("portal:lookup"))
    thanks = _("Thank you. We have received your request.")
    if honeypot:  # a bot: look like success, write nothing
        return 201, {"number": "", "lookup_url": lookup_url, "message": thanks}
    try:
        ticket = webform_submit(form=form, data=data)
    except DomainError as exc:
        return _error(
            exc.code, str(exc.message), exc.status, {k: str(v) for k, v in exc.fields.items()}
        )
    return 201, {"number": ticket.number, "lookup_url": lookup_url, "message": thanks}


def _frame_policy(response: HttpResponse, form: WebForm) -> HttpResponse:
    origins = form.origins()
    config = dict(settings.SECURE_CSP)
    config["frame-ancestors"] = [CSP.SELF, *origins]
    response._csp_config = config  # type: ignore[attr-defined]
    if origins:
        response.xframe_options_exempt = True
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webform_page(request: HttpRequest, key: str) -> HttpResponse:
    form = _active_form(key)
    if form is None:
        return render(request, "channels/webform/missing.html", status=404)
    page = WebFormForm(request.POST or None)
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST" and page.is_valid():
        honeypot = page.cleaned_data.get(HONEYPOT, "")
        status, result = _process(request, form, page.submission(), honeypot)
        for name, message in result.get("fields", {}).items():
            if name in page.fields:
                page.add_error(name, message)
    elif page.errors:
        status = 422
    context = {"webform": form, "form": page, "result": result, "honeypot": page[HONEYPOT]}
    return _frame_policy(
        render(request, "channels/webform/page.html", context, status=status), form
    )


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Vary"] = "Origin"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
    return response


def _read(request: HttpRequest) -> tuple[Submission, str] | None:
    """The submission from JSON or form data; None when the body is not an object of strings."""
    if request.content_type == "application/json":
        try:
            raw = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
    else:
        raw = request.POST.dict()
    if not isinstance(raw, dict):
        return None
    values = {k: raw.get(k, "") for k in (*FIELDS, HONEYPOT)}
    if not all(isinstance(v, str) for v in values.values()):
        return None
    honeypot = values.pop(HONEYPOT)
    return Submission(**values), honeypot


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def webform_submit_view(request: HttpRequest, key: str) -> HttpResponse:
    form = _active_form(key)
    if form is None:
        status, body = _error("webform.not_found", _("No such form."), 404)
        return JsonResponse(body, status=status)
    origin = request.headers.get("Origin", "")
    if not _origin_allowed(request, form, origin):
        status, body = _error("webform.origin_refused", _("This site may not use this form."), 403)
        return JsonResponse(body, status=status, headers={"Vary": "Origin"})
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204), origin)
    if int(request.META.get("CONTENT_LENGTH") or 0) > BODY_MAX:
        status, body = _error("webform.too_large", _("The submission is too large."), 413)
        return _cors(JsonResponse(body, status=status), origin)
    parsed = _read(request)
    if parsed is None:
        status, body = _error("webform.bad_request", _("The submission is malformed."), 400)
    else:
        status, body = _process(request, form, *parsed)
    return _cors(
        JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}), origin
    )
