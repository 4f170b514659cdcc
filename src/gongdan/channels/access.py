"""The gate in front of every channel configuration page: admins pass, others get 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from gongdan.accounts.models import User
from gongdan.channels.policies import may_manage_channels
from gongdan.core.errors import NotFound


def admin_user(request: HttpRequest) -> User | None:
    """The admin making the request; None for anonymous visitors (send them to log in)."""
    if not request.user.is_authenticated:
        return None
    if not may_manage_channels(request.user):
        raise PermissionDenied
    return request.user


def to_login(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


def admin_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A channel page: anonymous visitors log in, non-admins get 403, the view gets the admin as
    its second argument, and a ``NotFound`` from a service is a 404."""

    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = admin_user(request)
        if user is None:
            return to_login(request)
        try:
            return view(request, user, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return page
