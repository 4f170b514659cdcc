"""Sign in with a username, an email address or a mobile number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from gongdan.accounts.models import User


class EmailOrMobileBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        login = (username or kwargs.get("email") or "").strip()
        if not login or password is None:
            return None
        query = Q(username=login)
        if "@" in login:
            query |= Q(email__iexact=login)
        elif login.lstrip("+").isdigit():
            query |= Q(mobile=login)
        # The owner of an address comes before a login merely named like it (one that signed
        # itself up with the address and lost it to its real sender: customers.ownership).
        found = list(User.objects.filter(query).order_by("id")[:3])
        user = next(
            (u for u in found if u.email and u.email.lower() == login.lower()),
            found[0] if found else None,
        )
        if user is None:
            User().set_password(password)  # same work either way: no timing oracle for logins
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
