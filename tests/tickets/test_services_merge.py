"""Merging: only tickets of one customer, nothing leaks, children follow the surviving ticket."""

from __future__ import annotations

import pytest

from gongdan.core.errors import ValidationFailed
from gongdan.testing import World
from gongdan.tickets import selectors, services
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Ticket, TicketWatcher
from gongdan.tickets.presenters import describe
from tests.tickets._snapshot import snapshot


def test_merging_another_customers_ticket_is_refused_and_changes_nothing(world: World) -> None:
    theirs = world.ticket(by=world.other_customer, title="环球的秘密 Globex secret")
    services.comment_create(actor=world.other_customer, ticket=theirs, body="内部数据 private")
    ours = world.ticket(by=world.customer)
    before = snapshot(theirs, ours)

    with pytest.raises(ValidationFailed) as error:
        services.ticket_merge(actor=world.supervisor, source=theirs, target=ours)

    assert error.value.code == "merge.other_customer"
    assert snapshot(theirs, ours) == before
    assert TicketWatcher.objects.count() == 0
    assert list(ours.comments.values_list("body", flat=True)) == []


def test_merging_a_ticket_of_the_same_requester_is_allowed(world: World) -> None:
    duplicate, original = world.ticket(), world.ticket()

    services.ticket_merge(actor=world.agent, source=duplicate, target=original)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.CLOSED, original)
    assert TicketWatcher.objects.count() == 0  # the requester is already the target's


def test_the_public_merged_into_entry_keeps_only_the_number(world: World) -> None:
    duplicate = world.ticket(by=world.customer)
    original = world.ticket(by=world.org_admin, title="Org admin's own title")

    services.ticket_merge(actor=world.agent, source=duplicate, target=original)

    public = [
        (e.kind, e.data)
        for e in selectors.timeline_list(user=world.customer, ticket=duplicate)
        if e.kind == TimelineKind.MERGED
    ]
    assert public == [(TimelineKind.MERGED, {"number": original.number})]
    merged_from = original.timeline.get(kind=TimelineKind.MERGED_FROM)
    assert (merged_from.is_internal, merged_from.data) == (
        True,
        {"number": duplicate.number, "title": duplicate.title, "comments": 0},
    )


def test_merging_moves_the_children_to_the_target(world: World) -> None:
    duplicate, original = world.ticket(), world.ticket()
    child = services.ticket_create_child(
        actor=world.agent, parent=duplicate, title="上门更换硒鼓", ticket_type=world.repair
    )

    services.ticket_merge(actor=world.agent, source=duplicate, target=original)

    child = Ticket.objects.get(pk=child.pk)
    assert (child.parent, child.version) == (original, 2)
    assert list(duplicate.children.all()) == []
    entry = original.timeline.get(kind=TimelineKind.CHILD_CREATED)
    assert (entry.is_internal, entry.data) == (
        True,
        {"number": child.number, "title": "上门更换硒鼓", "moved_from": duplicate.number},
    )
    assert describe(entry) == (
        f"took over child ticket {child.number} from merged ticket {duplicate.number}"
    )
    assert selectors.ticket_relations(user=world.supervisor, ticket=original).progress == {
        "total": 1,
        "done": 0,
    }
