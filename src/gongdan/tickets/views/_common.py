"""What every workspace view shares: the staff-only gate, the current user, visible tickets."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from gongdan.accounts.models import User
from gongdan.accounts.policies import is_staff_user
from gongdan.core.errors import NotFound
from gongdan.core.htmx import is_htmx as is_htmx  # the shared convention (core.htmx)
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import ticket_get

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Anonymous visitors go to the login page; customers get 403; staff pass."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def visible_ticket(request: HttpRequest, number: str) -> Ticket:
    """The ticket if the user may see it; 404 otherwise (never telling whether it exists)."""
    try:
        return ticket_get(user=actor(request), number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
