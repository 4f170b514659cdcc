"""Who may read and who may change business calendars.

Supervisors and administrators read calendars (they plan staffing and SLA promises around
them); only administrators change them (every change re-aims open tickets' due times). Agents
and customers get neither: the SLA simulator and the ticket pages show them what they need.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongdan.accounts.policies import is_admin, is_manager
from gongdan.core.errors import Forbidden


def can_view_calendars(user: Any) -> bool:
    return is_manager(user)


def can_edit_calendars(user: Any) -> bool:
    return is_admin(user)


def require_calendar_reader(user: Any) -> None:
    """:class:`Forbidden` (``permission.denied``) unless a supervisor or administrator."""
    if not can_view_calendars(user):
        raise Forbidden("permission.denied", _("Only supervisors and administrators may do this."))


def require_calendar_admin(user: Any) -> None:
    """:class:`Forbidden` (``permission.admin_only``) unless an administrator."""
    if not can_edit_calendars(user):
        raise Forbidden("permission.admin_only", _("Only administrators may edit calendars."))
