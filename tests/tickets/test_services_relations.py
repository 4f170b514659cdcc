"""Children, links, merges and versions."""

import pytest

from gongdan.core.errors import Conflict, DomainError
from gongdan.testing import World
from gongdan.tickets import selectors, services
from gongdan.tickets.choices import LinkKind, Status, TimelineKind
from gongdan.tickets.models import TicketWatcher


def test_split_child_goes_to_another_team_and_parent_shows_progress(world: World) -> None:
    parent = world.ticket()

    child = services.ticket_create_child(
        actor=world.agent,
        parent=parent,
        title="上门更换硒鼓",
        ticket_type=world.repair,
        team=world.field_team,
    )

    assert (child.parent, child.team, child.requester) == (
        parent,
        world.field_team,
        parent.requester,
    )
    assert selectors.ticket_relations(user=world.supervisor, ticket=parent).progress == {
        "total": 1,
        "done": 0,
    }
    assert parent.timeline.filter(kind=TimelineKind.CHILD_CREATED).count() == 1


def test_merge_moves_comments_and_keeps_the_requester_as_watcher(world: World) -> None:
    original = world.ticket(by=world.org_admin)
    duplicate = world.ticket(by=world.customer)
    services.comment_create(actor=world.customer, ticket=duplicate, body="同一个问题")

    services.ticket_merge(actor=world.agent, source=duplicate, target=original)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.CLOSED, original)
    assert list(original.comments.values_list("body", flat=True)) == ["同一个问题"]
    assert TicketWatcher.objects.filter(ticket=original, contact=world.customer_contact).exists()
    # The watcher (the duplicate's requester) can now follow the original ticket.
    assert selectors.ticket_get(user=world.customer, number=original.number) == original


def test_link_twice_is_refused(world: World) -> None:
    a, b = world.ticket(), world.ticket()
    services.ticket_link(actor=world.agent, ticket=a, target=b, kind=LinkKind.RELATED)

    with pytest.raises(DomainError) as error:
        services.ticket_link(actor=world.agent, ticket=a, target=b, kind=LinkKind.RELATED)

    assert error.value.code == "link.exists"


def test_stale_version_gets_a_conflict_and_changes_nothing(world: World) -> None:
    ticket = world.ticket()
    services.ticket_update(
        actor=world.agent, ticket=ticket, priority="high", expected_version=ticket.version
    )

    with pytest.raises(Conflict):
        services.ticket_update(
            actor=world.agent, ticket=ticket, priority="urgent", expected_version=ticket.version
        )

    ticket.refresh_from_db()
    assert (ticket.priority, ticket.version) == ("high", 2)


def test_moving_to_a_team_the_assignee_is_not_in_unassigns(world: World) -> None:
    ticket = world.ticket()
    ticket = services.ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)

    ticket = services.ticket_update(actor=world.supervisor, ticket=ticket, team=world.field_team)

    assert (ticket.team, ticket.assignee, ticket.status) == (world.field_team, None, Status.NEW)
