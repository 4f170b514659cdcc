"""Creating a ticket on behalf of a customer (typically a phone call), with contact search."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.accounts.models import User
from gongdan.core.errors import DomainError
from gongdan.customers import selectors as customer_selectors
from gongdan.customers.services import contact_create
from gongdan.tickets.forms import NewTicketForm, add_domain_error
from gongdan.tickets.models import Ticket
from gongdan.tickets.services import ticket_create
from gongdan.tickets.views._common import actor, staff_required

TEMPLATE = "tickets/ticket_new.html"
SEARCH_MIN = 2
SEARCH_LIMIT = 10


def _create(user: User, data: dict[str, Any], fields: dict[str, Any]) -> Ticket:
    """A new caller becomes a contact in the same transaction as their ticket (both or neither)."""
    with transaction.atomic():
        contact = data["contact"] or contact_create(
            actor=user,
            name=data["new_name"],
            mobile=data["new_mobile"],
            email=data["new_email"],
            organization=data["new_organization"],
        )
        return ticket_create(actor=user, requester=contact, **fields)


@require_http_methods(["GET", "POST"])
@staff_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = NewTicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = _create(actor(request), form.cleaned_data, form.ticket_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("tickets:detail", number=ticket.number)
    selected = form.cleaned_data.get("contact") if form.is_bound and form.errors else None
    status = 422 if form.errors else 200
    return render(request, TEMPLATE, {"form": form, "selected": selected}, status=status)


@require_GET
@staff_required
def contact_search(request: HttpRequest) -> HttpResponse:
    """htmx: contacts whose name, mobile number or email contains ``q``, to pick as requester."""
    q = request.GET.get("q", "").strip()[:100]
    contacts = customer_selectors.contact_search(user=actor(request), q=q, limit=SEARCH_LIMIT)
    return render(
        request,
        f"{TEMPLATE}#contact_results",
        {"contacts": contacts, "q": q, "searched": len(q) >= SEARCH_MIN},
    )
