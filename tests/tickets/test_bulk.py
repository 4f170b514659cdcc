"""Bulk actions (services.bulk): one service call per ticket, per-ticket results, nothing stops."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.testing import World, state
from gongdan.tickets import hooks, services
from gongdan.tickets.choices import Priority, Status
from gongdan.tickets.hooks import BulkAction
from gongdan.tickets.models import Ticket
from gongdan.tickets.services.bulk import BULK_MAX, tickets_bulk_apply


def _outcomes(result: Any) -> dict[str, tuple[str, str]]:
    return {item.number: (item.outcome, item.code) for item in result.items}


def test_agent_changes_the_tickets_they_may_and_others_are_refused_one_by_one(
    world: World,
) -> None:
    ours = [world.ticket(), world.ticket()]
    theirs = world.ticket(ticket_type=world.repair)  # the field team's queue: hidden from agent
    before = state(theirs)

    result = tickets_bulk_apply(
        actor=world.agent,
        numbers=[ours[0].number, theirs.number, ours[1].number],
        action="priority",
        params={"priority": Priority.URGENT},
    )

    assert _outcomes(result) == {
        ours[0].number: ("ok", ""),
        theirs.number: ("refused", "ticket.not_found"),
        ours[1].number: ("ok", ""),
    }
    assert (result.applied, result.failed) == (2, 1)
    assert [Ticket.objects.get(pk=t.pk).priority for t in ours] == [Priority.URGENT] * 2
    assert state(theirs) == before


def test_a_version_conflict_on_one_ticket_does_not_stop_the_others(world: World) -> None:
    first, second = world.ticket(), world.ticket()
    seen = {first.number: first.version, second.number: second.version}
    services.ticket_update(actor=world.supervisor, ticket=first, title="changed meanwhile")

    result = tickets_bulk_apply(
        actor=world.supervisor,
        numbers=[first.number, second.number],
        action="assign",
        params={"assignee": "me"},
        versions=seen,
    )

    assert _outcomes(result) == {
        first.number: ("conflict", "ticket.version_conflict"),
        second.number: ("ok", ""),
    }
    assert Ticket.objects.get(pk=first.pk).assignee is None
    assert Ticket.objects.get(pk=second.pk).assignee == world.supervisor


def test_a_transition_not_allowed_from_a_status_is_refused_with_the_reason(world: World) -> None:
    new, done = world.ticket(), world.ticket()
    services.ticket_assign(actor=world.supervisor, ticket=done, assignee=world.agent)
    services.ticket_transition(actor=world.agent, ticket=done, to=Status.RESOLVED)

    with translation.override("zh-hans"):
        result = tickets_bulk_apply(
            actor=world.supervisor,
            numbers=[done.number, new.number],
            action="status",
            params={"to": Status.IN_PROGRESS},
        )

    refused = result.failures[0]
    assert (refused.number, refused.outcome, refused.code) == (
        done.number,
        "refused",
        "ticket.illegal_transition",
    )
    assert "已解决" in refused.message  # the reason, in the user's language
    assert Ticket.objects.get(pk=new.pk).status == Status.IN_PROGRESS
    assert Ticket.objects.get(pk=done.pk).status == Status.RESOLVED


def test_unchanged_tickets_are_reported_as_such(world: World) -> None:
    ticket = world.ticket(priority=Priority.HIGH)

    result = tickets_bulk_apply(
        actor=world.agent, numbers=[ticket.number], action="priority", params={"priority": "high"}
    )

    assert _outcomes(result) == {ticket.number: ("unchanged", "")}


def test_tags_are_added_to_those_each_ticket_has(world: World) -> None:
    one, two = world.ticket(by=world.agent, tags=["vip"]), world.ticket()

    tickets_bulk_apply(
        actor=world.agent,
        numbers=[one.number, two.number],
        action="tags",
        params={"tags": "打印, vip"},
    )

    assert sorted(one.tags.values_list("name", flat=True)) == ["vip", "打印"]
    assert sorted(two.tags.values_list("name", flat=True)) == ["vip", "打印"]


def test_team_move_and_assign_to_someone_outside_the_team_is_refused(world: World) -> None:
    ticket = world.ticket()

    moved = tickets_bulk_apply(
        actor=world.supervisor,
        numbers=[ticket.number],
        action="team",
        params={"team": str(world.field_team.pk)},
    )
    refused = tickets_bulk_apply(
        actor=world.agent,  # the ticket is now the field team's: hidden from the IT agent
        numbers=[ticket.number],
        action="assign",
        params={"assignee": str(world.agent.pk)},
    )

    assert _outcomes(moved) == {ticket.number: ("ok", "")}
    assert refused.items[0].outcome == "refused"
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_merge_into_itself_is_refused_for_that_ticket_only(world: World) -> None:
    target, duplicate = world.ticket(), world.ticket()

    result = tickets_bulk_apply(
        actor=world.agent,
        numbers=[target.number, duplicate.number],
        action="merge",
        params={"target": target.number},
    )

    assert _outcomes(result) == {
        target.number: ("refused", "merge.self"),
        duplicate.number: ("ok", ""),
    }
    assert Ticket.objects.get(pk=duplicate.pk).merged_into == target


@pytest.mark.parametrize(
    ("action", "params", "code"),
    [
        ("explode", {}, "bulk.unknown_action"),
        ("status", {"to": "flying"}, "bulk.invalid_params"),
        ("assign", {"assignee": "999999"}, "bulk.invalid_params"),
        ("team", {"team": "abc"}, "bulk.invalid_params"),
        ("tags", {"tags": ""}, "bulk.invalid_params"),
        ("merge", {"target": "NOPE-1"}, "bulk.invalid_params"),
    ],
)
def test_bad_requests_change_nothing(world: World, action: str, params: dict, code: str) -> None:
    ticket = world.ticket()
    before = state(ticket)

    with pytest.raises(ValidationFailed) as error:
        tickets_bulk_apply(
            actor=world.supervisor, numbers=[ticket.number], action=action, params=params
        )

    assert error.value.code == code
    assert state(ticket) == before


def test_more_than_the_limit_or_none_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as many:
        tickets_bulk_apply(
            actor=world.supervisor,
            numbers=[f"T-{i}" for i in range(BULK_MAX + 1)],
            action="priority",
            params={"priority": "low"},
        )
    with pytest.raises(ValidationFailed) as none:
        tickets_bulk_apply(actor=world.supervisor, numbers=[" "], action="priority", params={})

    assert (many.value.code, none.value.code) == ("bulk.too_many", "bulk.empty")


def test_customers_may_not_use_bulk_actions(world: World) -> None:
    ticket = world.ticket()

    with pytest.raises(Forbidden):
        tickets_bulk_apply(
            actor=world.customer, numbers=[ticket.number], action="priority", params={}
        )


def test_an_app_adds_an_action_through_the_hook(world: World) -> None:
    ticket = world.ticket()

    def clean(actor: Any, params: dict) -> dict:
        return {"title": str(params.get("value", ""))}

    def apply(actor: Any, ticket: Ticket, params: dict, version: int | None) -> object:
        return services.ticket_update(
            actor=actor, ticket=ticket, title=params["title"], expected_version=version
        )

    action = BulkAction("retitle", "Retitle", clean, apply, param_label="New title")
    hooks.bulk_actions.register(action)
    try:
        result = tickets_bulk_apply(
            actor=world.agent, numbers=[ticket.number], action="retitle", params={"value": "新标题"}
        )
    finally:
        hooks.bulk_actions._items.remove(action)

    assert _outcomes(result) == {ticket.number: ("ok", "")}
    assert Ticket.objects.get(pk=ticket.pk).title == "新标题"
