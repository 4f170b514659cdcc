"""Role checks: the one place that says which roles count as staff, managers or administrators.

Every app asks these instead of comparing ``user.role`` itself, so a new role (or a change of who
manages) is made here once. Each check also requires a signed-in, active user, except
:func:`has_role`, which reads the role alone (for a user already known to be active, e.g. the
actor of a service call).
"""

from __future__ import annotations

from typing import Any

from gongdan.accounts.choices import MANAGER_ROLES, STAFF_ROLES, Role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def has_role(user: Any, *roles: str) -> bool:
    """``user``'s role is one of ``roles`` (the role alone; no sign-in or active check)."""
    return getattr(user, "role", None) in roles


def is_staff_user(user: Any) -> bool:
    """An active admin, supervisor or agent: works tickets (customers only submit and follow)."""
    return _active(user) and has_role(user, *STAFF_ROLES)


def is_manager(user: Any) -> bool:
    """An active admin or supervisor: sees every ticket, configures rules and every agent."""
    return _active(user) and has_role(user, *MANAGER_ROLES)


def is_admin(user: Any) -> bool:
    """An active administrator."""
    return _active(user) and has_role(user, Role.ADMIN)
