"""Who may see and change channel configuration: administrators only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.core.errors import Forbidden


def may_manage_channels(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) == Role.ADMIN
    )


def require_channel_manager(user: Any) -> None:
    """Raise ``Forbidden`` (403) unless ``user`` administers channels."""
    if not may_manage_channels(user):
        raise Forbidden("permission.admin_only", _("Only administrators may do this."))
