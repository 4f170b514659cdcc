"""Who owns a ticket: unassigning, the staff auto-take, and a customer's answer to pending."""

from __future__ import annotations

from gongdan.audit.models import AuditEvent
from gongdan.core.models import OutboxEvent
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Ticket


def _audit(ticket: Ticket) -> list[tuple[str, dict]]:
    return list(
        AuditEvent.objects.filter(object_type="tickets.Ticket", object_id=str(ticket.pk))
        .order_by("id")
        .values_list("action", "data")
    )


def _events(kind: str) -> list[dict]:
    return list(
        OutboxEvent.objects.filter(event_type=kind).order_by("id").values_list("payload", flat=True)
    )


def _pending_without_owner(world: World) -> Ticket:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.PENDING)
    return services.ticket_assign(actor=world.agent, ticket=ticket, assignee=None)


def test_an_in_progress_ticket_that_loses_its_owner_goes_back_to_new(world: World) -> None:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)

    ticket = services.ticket_assign(actor=world.agent, ticket=ticket, assignee=None)

    assert (ticket.status, ticket.assignee) == (Status.NEW, None)
    last = list(ticket.timeline.order_by("-id").values_list("kind", "data")[:2])
    assert last == [
        (TimelineKind.STATUS_CHANGED, {"old": "in_progress", "new": "new", "reason": ""}),
        (
            TimelineKind.ASSIGNED,
            {"old": world.agent.pk, "new": None, "old_label": "agent", "new_label": None},
        ),
    ]


def test_an_in_progress_ticket_moved_to_another_team_goes_back_to_new(world: World) -> None:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)

    ticket = services.ticket_update(actor=world.supervisor, ticket=ticket, team=world.field_team)

    assert (ticket.team, ticket.assignee, ticket.status) == (world.field_team, None, Status.NEW)


def test_a_pending_ticket_that_loses_its_owner_stays_pending(world: World) -> None:
    ticket = _pending_without_owner(world)

    assert (ticket.status, ticket.assignee) == (Status.PENDING, None)


def test_the_staff_auto_take_is_audited_and_emitted_as_assigned(world: World) -> None:
    ticket = world.ticket()

    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)

    assert [action for action, _ in _audit(ticket)] == [
        "ticket.created",
        "ticket.assigned",
        "ticket.status_changed",
    ]
    assert _audit(ticket)[1] == ("ticket.assigned", {"assignee": world.agent.pk})
    assert _events("ticket.assigned") == [
        {"ticket": ticket.number, "assignee": world.agent.pk, "actor": world.agent.pk}
    ]


def test_a_customer_moves_an_unowned_pending_ticket_back_into_work(world: World) -> None:
    ticket = _pending_without_owner(world)

    ticket = services.ticket_transition(actor=world.customer, ticket=ticket, to=Status.IN_PROGRESS)

    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, None)
    assert _audit(ticket)[-1] == ("ticket.status_changed", {"old": "pending", "new": "in_progress"})
    # Only the earlier take and unassign: the customer's move assigned nobody.
    assert [e["assignee"] for e in _events("ticket.assigned")] == [world.agent.pk, None]


def test_a_customer_reply_to_a_pending_ticket_is_an_audited_status_change(world: World) -> None:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.PENDING)

    services.comment_create(actor=world.customer, ticket=ticket, body="已经重启了 restarted")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, world.agent)
    assert [action for action, _ in _audit(ticket)[-2:]] == [
        "ticket.status_changed",
        "comment.created",
    ]
    assert _audit(ticket)[-2][1] == {"old": "pending", "new": "in_progress"}
    assert _events("ticket.status_changed")[-1] == {
        "ticket": ticket.number,
        "old": "pending",
        "new": "in_progress",
        "actor": world.customer.pk,
    }
