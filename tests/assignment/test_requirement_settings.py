"""Skill requirements of ticket types and categories, on the assignment settings pages."""

from __future__ import annotations

import pytest

from gongdan.accounts.models import Skill
from gongdan.assignment.models import SkillRequirement
from gongdan.audit.models import AuditEvent
from gongdan.core.models import OutboxEvent
from gongdan.testing import World


@pytest.fixture
def skills(world: World) -> None:
    Skill.objects.create(code="printer", name="打印机维修")
    Skill.objects.create(code="vpn", name="VPN")


def rows() -> list[tuple[int | None, int | None, str, int]]:
    return list(
        SkillRequirement.objects.values_list(
            "ticket_type", "category", "skill__code", "min_level"
        ).order_by("id")
    )


def test_a_supervisor_sets_the_requirements_of_a_type(world: World, skills: None) -> None:
    client = world.client_for(world.supervisor)
    url = f"/desk/assignment/requirements/type/{world.incident.pk}/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"skills": "printer:3, vpn"})

    assert response.status_code == 302
    assert rows() == [(world.incident.pk, None, "printer", 3), (world.incident.pk, None, "vpn", 1)]
    assert AuditEvent.objects.filter(action="skill_requirements.set").exists()
    assert OutboxEvent.objects.filter(event_type="skill_requirements.set").exists()

    client.post(url, {"skills": "vpn:2"})
    assert rows() == [(world.incident.pk, None, "vpn", 2)]


def test_a_category_gets_its_own_requirements(world: World, skills: None) -> None:
    client = world.client_for(world.admin)
    url = f"/desk/assignment/requirements/category/{world.printer.pk}/"

    assert client.post(url, {"skills": "printer:4"}).status_code == 302
    assert rows() == [(None, world.printer.pk, "printer", 4)]


@pytest.mark.parametrize("text", ["nope:2", "printer:9", "printer:2, printer:3", "printer:x"])
def test_bad_requirements_are_422_and_nothing_changes(
    world: World, skills: None, text: str
) -> None:
    client = world.client_for(world.admin)
    url = f"/desk/assignment/requirements/type/{world.incident.pk}/"
    client.post(url, {"skills": "vpn:2"})
    before = rows()

    response = client.post(url, {"skills": text})

    assert response.status_code == 422 and rows() == before


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_agents_and_customers_are_refused(world: World, skills: None, who: str) -> None:
    client = world.client_for(getattr(world, who))
    url = f"/desk/assignment/requirements/type/{world.incident.pk}/"

    assert client.get(url).status_code == 403
    assert client.post(url, {"skills": "vpn:2"}).status_code == 403
    assert rows() == []


def test_an_unknown_kind_or_id_is_404(world: World) -> None:
    client = world.client_for(world.admin)

    assert client.get("/desk/assignment/requirements/team/1/").status_code == 404
    assert client.get("/desk/assignment/requirements/type/999999/").status_code == 404
