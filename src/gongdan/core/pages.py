"""The guard in front of workspace pages: sign-in first, then a policy.

Every page decorator in the apps was the same few lines with another policy: a visitor who is not
signed in goes to the login page (with ``next``), a signed-in user the policy refuses gets 403.
``page_guard(may_view, may_post=...)`` builds that decorator from the app's own policy
functions; ``may_post``, when given, is asked again for POST requests (pages that everyone may
read but only some may change).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]
Policy = Callable[[Any], bool]


def page_guard(may_view: Policy, *, may_post: Policy | None = None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_view(request.user):
                raise PermissionDenied
            if may_post is not None and request.method == "POST" and not may_post(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate
