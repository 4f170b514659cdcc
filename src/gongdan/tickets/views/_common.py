"""What every workspace view shares: the staff-only gate, the current user, visible tickets."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from gongdan.accounts.models import User
from gongdan.accounts.policies import is_staff_user
from gongdan.core.errors import NotFound
from gongdan.core.htmx import is_htmx as is_htmx  # the shared convention (core.htmx)
from gongdan.core.pages import page_guard
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import ticket_get

# Anonymous visitors go to the login page; customers get 403; staff pass.
staff_required = page_guard(is_staff_user)


def actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def visible_ticket(request: HttpRequest, number: str) -> Ticket:
    """The ticket if the user may see it; 404 otherwise (never telling whether it exists)."""
    try:
        return ticket_get(user=actor(request), number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
