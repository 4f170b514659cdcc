"""``/desk/calls/new/`` (log a call) and ``/desk/calls/caller/`` (htmx: who is calling)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.channels.phone.forms import CallForm
from gongdan.channels.phone.selectors import caller_get
from gongdan.channels.phone.services import call_log
from gongdan.core.errors import DomainError
from gongdan.tickets.forms import add_domain_error
from gongdan.tickets.views._common import actor, staff_required

TEMPLATE = "channels/phone/call_new.html"


@require_http_methods(["GET", "POST"])
@staff_required
def call_new(request: HttpRequest) -> HttpResponse:
    form = CallForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        try:
            result = call_log(actor=actor(request), **form.call_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("tickets:detail", number=result.ticket.number)
    number = form.data.get("number", "") if form.is_bound else request.GET.get("number", "")
    context = {
        "form": form,
        "caller": caller_get(user=actor(request), number=number),
        "chosen": form.data.get("ticket", "") if form.is_bound else "",
        "searched": bool(number.strip()),
    }
    return render(request, TEMPLATE, context, status=422 if form.errors else 200)


@require_GET
@staff_required
def caller_lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "")[:30]
    context = {
        "caller": caller_get(user=actor(request), number=number),
        "chosen": "",
        "searched": bool(number.strip()),
    }
    return render(request, f"{TEMPLATE}#caller", context)
