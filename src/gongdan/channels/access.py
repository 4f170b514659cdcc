"""The gate in front of every channel configuration page: admins pass, others get 403."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from gongdan.accounts.models import User
from gongdan.channels.policies import may_manage_channels


def admin_user(request: HttpRequest) -> User | None:
    """The admin making the request; None for anonymous visitors (send them to log in)."""
    if not request.user.is_authenticated:
        return None
    if not may_manage_channels(request.user):
        raise PermissionDenied
    return request.user


def to_login(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())
