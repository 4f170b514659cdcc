"""Smart assignment's reads: agents with their load, the waiting queue."""

from __future__ import annotations

from django.db.models import FloatField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gongdan.accounts.models import AgentProfile, User
from gongdan.assignment import engine, policies
from gongdan.tickets.models import Ticket


def load_subquery() -> Coalesce:
    """An agent's weighted open load, as an expression over ``AgentProfile`` rows."""
    per_agent = (
        Ticket.objects.filter(assignee_id=OuterRef("user_id"), is_open=True)
        .order_by()
        .values("assignee_id")
        .annotate(load=Sum(engine.load_expression()))
        .values("load")
    )
    return Coalesce(Subquery(per_agent, output_field=FloatField()), Value(0.0))


def agent_list(*, user: User, team_id: int | None = None) -> QuerySet[AgentProfile]:
    """Agents ``user`` may see (themself; a lead their teams; managers everyone), each with
    ``load``, in one query, ordered by name."""
    qs = (
        AgentProfile.objects.filter(policies.agent_visibility(user), user__is_active=True)
        .exclude(user__role="customer")
        .select_related("user")
        .annotate(load=load_subquery())
        .order_by("user__display_name", "user__username", "pk")
    )
    if team_id is not None:
        qs = qs.filter(user__teams=team_id)
    return qs


def agent_get(*, user: User, user_id: int) -> AgentProfile | None:
    return agent_list(user=user).filter(user_id=user_id).first()


def my_profile(user: User) -> AgentProfile | None:
    """The signed-in staff member's own profile with their load (one query)."""
    if not user.is_authenticated or not user.is_staff_member:
        return None
    return AgentProfile.objects.filter(user=user).annotate(load=load_subquery()).first()
