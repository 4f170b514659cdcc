"""Progress lookup without an account: number + address → one-time code → read-only view.

The grant is kept in the session for one ticket and ``GRANT_SECONDS``; a new lookup replaces
it. Both steps are rate-limited per client IP and per number/address pair.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.core.errors import DomainError, NotFound
from gongdan.core.public_limits import lookup_limited
from gongdan.portal.forms import CodeForm, LookupForm, add_domain_error
from gongdan.portal.selectors import lookup_ticket_get, lookup_timeline_list
from gongdan.tickets.services.lookup import (
    lookup_code_request,
    lookup_code_verify,
    normalize_address,
    normalize_number,
)

PENDING = "portal_lookup_pending"  # {"number": …, "address": …} between the two steps
GRANT = "portal_lookup_grant"  # {"ticket": pk, "until": epoch seconds}
GRANT_SECONDS = 30 * 60


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "portal/rate_limited.html", status=429)
    response["Retry-After"] = "900"
    return response


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Step 1: the ticket number and the address it was submitted with."""
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = normalize_number(form.cleaned_data["number"])
        address = normalize_address(form.cleaned_data["address"])
        if lookup_limited(request, number=number, address=address):
            return _too_many(request)
        try:
            lookup_code_request(number=number, address=address)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session[PENDING] = {"number": number, "address": address}
            return redirect("portal:lookup_verify")
    return render(request, "portal/lookup.html", {"form": form}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def lookup_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code; the same page whether or not a code was actually sent."""
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("portal:lookup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if lookup_limited(request, number=pending["number"], address=pending["address"]):
            return _too_many(request)
        try:
            ticket = lookup_code_verify(
                number=pending["number"], address=pending["address"], code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session.cycle_key()
            del request.session[PENDING]
            request.session[GRANT] = {"ticket": ticket.pk, "until": time.time() + GRANT_SECONDS}
            return redirect("portal:lookup_ticket")
    return render(
        request,
        "portal/lookup_verify.html",
        {"form": form, "number": pending["number"], "address": pending["address"]},
        status=422 if form.errors else 200,
    )


@require_GET
def lookup_ticket(request: HttpRequest) -> HttpResponse:
    """Step 3: status and public timeline of the one verified ticket, read-only."""
    grant = request.session.get(GRANT)
    if not grant or float(grant.get("until", 0)) < time.time():
        request.session.pop(GRANT, None)
        messages.info(
            request, _("Your progress lookup has ended. Request a new code to look again.")
        )
        return redirect("portal:lookup")
    try:
        ticket = lookup_ticket_get(ticket_id=int(grant["ticket"]))
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return render(
        request,
        "portal/lookup_ticket.html",
        {"ticket": ticket, "timeline": lookup_timeline_list(ticket=ticket)},
    )
