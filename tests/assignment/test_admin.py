"""The Django admin pages of smart assignment render; computed rows (and the rules, edited in
the workspace) are read-only."""

from __future__ import annotations

import pytest

from gongdan.assignment.models import AssignmentRule, PendingAssignment
from gongdan.testing import World
from tests.assignment.conftest import auto


@pytest.mark.parametrize(
    "path",
    [
        "assignment/assignmentrule",
        "assignment/skillrequirement/add",
        "assignment/skillrequirement",
        "assignment/teamassignment",
        "assignment/agentperformance",
        "assignment/pendingassignment",
        "assignment/roundrobincursor",
        "accounts/agentprofile",
    ],
)
def test_assignment_admin_pages_render(world: World, path: str) -> None:
    auto(world.it_team)
    AssignmentRule.objects.create(name="规则")
    world.ticket()  # nobody online: waits in the queue

    response = world.client_for(world.admin).get(f"/admin/{path}/")

    assert response.status_code == 200
    assert PendingAssignment.objects.count() == 1


def test_the_waiting_queue_cannot_be_edited_in_the_admin(world: World) -> None:
    auto(world.it_team)
    world.ticket()
    pending = PendingAssignment.objects.get()

    response = world.client_for(world.admin).post(
        f"/admin/assignment/pendingassignment/{pending.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert PendingAssignment.objects.count() == 1
