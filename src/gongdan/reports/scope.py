"""Who sees which figures: the one place that narrows every report to what its reader may see.

- an administrator, and a supervisor who belongs to or leads no team: the whole desk;
- a supervisor with teams: tickets whose team is one of theirs (member or lead);
- an agent: their own figures only (tickets assigned to them, their own time and replies);
- a customer who is an organization admin: their organization's tickets (portal page);
- anyone else: nothing.
Every selector takes the reader and applies :func:`report_scope` before any filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Membership, Team
from gongdan.accounts.policies import is_admin, is_manager, is_staff_user


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    teams: frozenset[int] = frozenset()
    agent: int | None = None  # only this agent's figures
    organization: int | None = None  # only this organization's tickets
    nothing: bool = False

    @property
    def is_personal(self) -> bool:
        return self.agent is not None


def report_scope(user: object) -> Scope:
    """The rows ``user`` may see in any report (see the module docstring)."""
    if is_admin(user):
        return Scope(everything=True)
    if is_manager(user):
        uid = user.pk  # type: ignore[attr-defined]
        teams = set(Membership.objects.filter(user_id=uid).values_list("team_id", flat=True))
        teams |= set(Team.objects.filter(lead_id=uid).values_list("pk", flat=True))
        return Scope(teams=frozenset(teams)) if teams else Scope(everything=True)
    if is_staff_user(user):
        return Scope(agent=user.pk)  # type: ignore[attr-defined]
    if getattr(user, "role", None) == Role.CUSTOMER and getattr(user, "is_active", False):
        contact = getattr(user, "contact", None)
        if contact is not None and contact.is_org_admin and contact.organization_id:
            return Scope(organization=contact.organization_id)
    return Scope(nothing=True)
