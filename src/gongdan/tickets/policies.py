"""Who may see which tickets and do what to them. Selectors and services both call these."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from gongdan.accounts.choices import MANAGER_ROLES, Role
from gongdan.accounts.models import Membership, User
from gongdan.accounts.policies import has_role, is_staff_user
from gongdan.customers.selectors import contact_for
from gongdan.tickets.models import Ticket, TicketWatcher


def ticket_visibility(user: User) -> Q:
    """The rows of ``Ticket`` that ``user`` may see, as a filter to put into every query.

    - admins and supervisors: every ticket;
    - agents: tickets of their teams, tickets with no team yet (triage), tickets assigned to them
      and tickets they watch;
    - customers: tickets they requested or watch, and — for an organization admin — every ticket
      of their organization;
    - anyone else: nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if has_role(user, *MANAGER_ROLES):
        return Q()
    if user.role == Role.AGENT:
        my_teams = Membership.objects.filter(user=user).values("team_id")
        watching = TicketWatcher.objects.filter(ticket=OuterRef("pk"), user=user)
        return Q(team__in=my_teams) | Q(team__isnull=True) | Q(assignee=user) | Q(Exists(watching))
    contact = contact_for(user)
    if contact is None:
        return Q(pk__in=[])
    watching = TicketWatcher.objects.filter(ticket=OuterRef("pk"), contact=contact)
    visible = Q(requester=contact) | Q(Exists(watching))
    if contact.is_org_admin and contact.organization_id:
        visible |= Q(organization_id=contact.organization_id)
    return visible


def customer_ticket_ids_sql(user: User, *, at_most: int) -> tuple[str, tuple[object, ...]] | None:
    """SQL selecting the ids of the tickets a customer may see (None for active staff).

    The same rows as ``ticket_visibility`` for a customer, read as index lookups (requester,
    watcher, organization) instead of one filter with an ``EXISTS`` that walks the whole table.
    Each part stops after ``at_most + 1`` rows, so the caller can tell "more than ``at_most``"
    without reading a large organization's every ticket.
    """
    if user.is_authenticated and user.is_active and user.is_staff_member:
        return None
    contact = contact_for(user) if user.is_authenticated and user.is_active else None
    if contact is None:
        return "SELECT NULL WHERE 1 = 0", ()  # sees nothing, as in ticket_visibility
    parts = [
        Ticket.objects.filter(requester=contact).values("pk"),
        TicketWatcher.objects.filter(contact=contact).values("ticket_id"),
    ]
    if contact.is_org_admin and contact.organization_id:
        parts.append(Ticket.objects.filter(organization_id=contact.organization_id).values("pk"))
    sqls: list[str] = []
    params: list[object] = []
    for i, part in enumerate(parts):
        sql, part_params = part.order_by()[: at_most + 1].query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) AS visible_{i}")  # noqa: S608 - ORM-compiled
        params += part_params
    return " UNION ".join(sqls), tuple(params)


def can_see(user: User, ticket: Ticket) -> bool:
    return Ticket.objects.filter(ticket_visibility(user), pk=ticket.pk).exists()


def may_work(user: User) -> bool:
    """Staff may change a ticket they can see (status, fields, notes); customers may not."""
    return is_staff_user(user)


def is_requester_side(user: User, ticket: Ticket) -> bool:
    """The customer who asked, or their organization admin: may reply, confirm, reopen, cancel."""
    contact = contact_for(user)
    if contact is None:
        return False
    if ticket.requester_id == contact.pk:
        return True
    return bool(
        contact.is_org_admin
        and contact.organization_id
        and contact.organization_id == ticket.organization_id
    )


def may_be_assigned(user: User, ticket: Ticket) -> bool:
    """Assignees are active staff; when the ticket has a team, an agent must belong to it."""
    if not is_staff_user(user):
        return False
    if ticket.team_id is None or has_role(user, *MANAGER_ROLES):
        return True
    return Membership.objects.filter(user=user, team_id=ticket.team_id).exists()
