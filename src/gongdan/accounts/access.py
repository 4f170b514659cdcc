"""Who may use the customer pages: signed-in customers only; staff go to their workspace."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from gongdan.accounts.policies import is_staff_user

View = Callable[..., HttpResponse]


def workspace_url() -> str:
    """Where staff belong (``accounts:home``; the site root until that page exists)."""
    try:
        return reverse("accounts:home")
    except NoReverseMatch:
        return "/"


def customer_required(view: View) -> View:
    """Anonymous visitors go to the portal login, staff to the workspace; customers pass."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if is_staff_user(user):
            return HttpResponseRedirect(workspace_url())
        return view(request, *args, **kwargs)

    return wrapped
