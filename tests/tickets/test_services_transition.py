"""The state machine: legal moves by the right side, refusals that change nothing."""

import pytest

from gongdan.core.errors import DomainError, NotFound
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Comment, Ticket
from gongdan.tickets.workflow import Side, allowed_targets


def _resolved(world: World) -> Ticket:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    return services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)


def test_moving_into_work_takes_an_unowned_ticket(world: World) -> None:
    ticket = world.ticket()

    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)

    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, world.agent)
    kinds = list(ticket.timeline.values_list("kind", flat=True))
    assert kinds == [TimelineKind.CREATED, TimelineKind.ASSIGNED, TimelineKind.STATUS_CHANGED]


def test_customer_confirms_a_resolution(world: World) -> None:
    ticket = _resolved(world)

    ticket = services.ticket_transition(actor=world.customer, ticket=ticket, to=Status.CLOSED)

    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None


def test_reopen_needs_a_reason_and_refusal_changes_nothing(world: World) -> None:
    ticket = _resolved(world)
    version = ticket.version

    with pytest.raises(DomainError) as error:
        services.ticket_transition(actor=world.customer, ticket=ticket, to=Status.REOPENED)

    assert error.value.code == "ticket.reason_required"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.RESOLVED, version)


def test_reopen_with_reason_stores_a_public_comment(world: World) -> None:
    ticket = _resolved(world)

    ticket = services.ticket_transition(
        actor=world.customer, ticket=ticket, to=Status.REOPENED, comment="打印还是失败"
    )

    assert ticket.status == Status.REOPENED
    assert ticket.resolved_at is None
    assert list(Comment.objects.filter(ticket=ticket).values_list("body", "is_internal")) == [
        ("打印还是失败", False)
    ]


def test_illegal_move_is_refused_with_a_clear_message(world: World) -> None:
    ticket = world.ticket()

    with pytest.raises(DomainError) as error:
        services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.CLOSED)

    assert error.value.code == "ticket.illegal_transition"
    assert error.value.message == "A ticket cannot move from New to Closed."
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_customer_may_not_resolve(world: World) -> None:
    ticket = world.ticket()
    services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)

    with pytest.raises(DomainError) as error:
        services.ticket_transition(actor=world.customer, ticket=ticket, to=Status.RESOLVED)

    assert error.value.message == "You may not move this ticket from In progress to Resolved."


def test_other_customer_cannot_even_see_the_ticket(world: World) -> None:
    ticket = world.ticket()

    with pytest.raises(NotFound):
        services.ticket_transition(
            actor=world.other_customer, ticket=ticket, to=Status.CANCELLED, comment="x"
        )

    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_other_team_agent_cannot_move_the_ticket(world: World) -> None:
    ticket = world.ticket()

    with pytest.raises(NotFound):
        services.ticket_transition(actor=world.other_agent, ticket=ticket, to=Status.IN_PROGRESS)


def test_customer_reply_brings_a_pending_ticket_back_to_work(world: World) -> None:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.PENDING)

    services.comment_create(actor=world.customer, ticket=ticket, body="型号是 HP M404")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_allowed_targets_per_side() -> None:
    assert allowed_targets(Status.RESOLVED, Side.REQUESTER) == [Status.CLOSED, Status.REOPENED]
    assert Status.CANCELLED in allowed_targets(Status.PENDING, Side.REQUESTER)
    assert allowed_targets(Status.CLOSED, Side.STAFF) == []
