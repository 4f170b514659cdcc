"""Assignment settings in the workspace: skills, agents and rules pages — who may see and
change what, validation messages in the user's language, constant queries on the lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from gongdan.accounts.models import AgentProfile, AgentSkill, Skill, User
from gongdan.assignment import engine
from gongdan.assignment.models import AssignmentRule, RuleSkill
from gongdan.audit.models import AuditEvent
from gongdan.testing import World
from gongdan.tickets.models import Ticket
from tests.assignment.conftest import agent, skill

pytestmark = pytest.mark.django_db

RULE_FORM = {
    "name": "VPN 专家",
    "position": "10",
    "is_active": "on",
    "weight_skills": "5",
    "weight_workload": "5",
    "weight_priority": "0",
    "weight_location": "0",
    "weight_performance": "0",
    "weight_round_robin": "1",
    "skills": "",
    "latitude": "",
    "longitude": "",
    "max_radius_km": "",
}


def lead_of(world: World, name: str = "lead") -> User:
    lead = agent(name, world.it_team)
    world.it_team.lead = lead
    world.it_team.save()
    return lead


# --- skills ----------------------------------------------------------------------------------
def test_a_supervisor_adds_renames_and_deletes_a_skill(world: World) -> None:
    client = world.client_for(world.supervisor)

    added = client.post(reverse("assignment:skills"), {"code": "vpn", "name": "VPN 接入"})
    vpn = Skill.objects.get(code="vpn")
    renamed = client.post(
        reverse("assignment:skill", args=[vpn.pk]),
        {"code": "vpn", "name": "VPN", "name_en": "VPN access"},
    )
    listed = client.get(reverse("assignment:skills")).content.decode()
    deleted = client.post(reverse("assignment:skill_delete", args=[vpn.pk]))

    assert (added.status_code, renamed.status_code, deleted.status_code) == (302, 302, 302)
    assert "VPN access" in listed
    assert not Skill.objects.exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"skill.created", "skill.updated", "skill.deleted"} <= set(actions)


def test_a_bad_skill_code_is_explained_in_chinese(world: World) -> None:
    skill("vpn")
    client = world.client_for(world.admin)
    client.cookies["django_language"] = "zh-hans"

    bad = client.post(reverse("assignment:skills"), {"code": "v p n", "name": "x"})
    taken = client.post(reverse("assignment:skills"), {"code": "vpn", "name": "x"})

    assert bad.status_code == taken.status_code == 422
    assert "字母" in bad.content.decode()
    assert "已" in taken.content.decode()
    assert Skill.objects.count() == 1


@pytest.mark.parametrize("who", ["agent", "lead", "customer"])
def test_only_supervisors_and_admins_see_or_change_skills(world: World, who: str) -> None:
    vpn = skill("vpn")
    user = lead_of(world) if who == "lead" else getattr(world, who)
    client = world.client_for(user)

    pages = [
        client.get(reverse("assignment:skills")),
        client.post(reverse("assignment:skills"), {"code": "sap", "name": "SAP"}),
        client.post(reverse("assignment:skill", args=[vpn.pk]), {"code": "x", "name": "x"}),
        client.post(reverse("assignment:skill_delete", args=[vpn.pk])),
    ]

    assert [p.status_code for p in pages] == [403] * 4
    assert list(Skill.objects.values_list("code", "name")) == [("vpn", "vpn")]


def test_the_skill_list_takes_constant_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for i in range(8):
        skill(f"s{i}")
        agent(f"a{i}", world.it_team, skills={f"s{i}": 3, "s0": 2})
    client = world.client_for(world.supervisor)
    client.get(reverse("assignment:skills"))

    # session, user, the skills with their agent counts
    with django_assert_max_num_queries(3):
        page = client.get(reverse("assignment:skills"))

    assert page.content.decode().count('data-code="s') == 8


# --- agents ----------------------------------------------------------------------------------
def _agent_form(profile: AgentProfile, **changes: str) -> dict[str, str]:
    data = {
        "capacity": str(profile.capacity),
        "seniority": str(profile.seniority),
        "availability": profile.availability,
        "on_leave_until": "",
        "location_name": profile.location_name,
        "latitude": "",
        "longitude": "",
        "current_latitude": "",
        "current_longitude": "",
    }
    return {**data, **changes}


def test_a_lead_sets_capacity_home_and_availability_and_the_next_decision_uses_it(
    world: World,
) -> None:
    lead = lead_of(world)
    worker = agent("worker", world.it_team, capacity=10, availability="offline")
    profile = AgentProfile.objects.get(user=worker)
    url = reverse("assignment:agent", args=[worker.pk])
    probe = Ticket(team=world.it_team, ticket_type=world.incident, priority="urgent")
    before = engine.decide(probe)
    assert worker.pk not in [s.user_id for s in before.scored]

    response = world.client_for(lead).post(
        url,
        _agent_form(
            profile,
            capacity="3",
            availability="online",
            location_name="浦东",
            latitude="31.22",
            longitude="121.54",
        ),
    )

    profile.refresh_from_db()
    assert response.status_code == 302
    assert (profile.capacity, profile.availability, profile.latitude) == (
        3,
        "online",
        Decimal("31.220000"),
    )
    # an urgent ticket weighs 4: more than the new capacity
    after = {p.user_id: p.reason for p in engine.decide(probe).passed}
    assert after[worker.pk] == "at_capacity"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"capacity": "900"}, "capacity", "500"),
        ({"latitude": "31.2"}, "longitude", "纬度"),
        ({"latitude": "95", "longitude": "121"}, "latitude", "90"),
        ({"availability": "asleep"}, "availability", "asleep"),
    ],
)
def test_bad_agent_settings_are_explained_and_nothing_is_saved(
    world: World, changes: dict[str, str], field: str, text: str
) -> None:
    worker = agent("worker", world.it_team, availability="away")
    profile = AgentProfile.objects.get(user=worker)
    client = world.client_for(world.supervisor)
    client.cookies["django_language"] = "zh-hans"

    response = client.post(
        reverse("assignment:agent", args=[worker.pk]),
        _agent_form(profile, seniority="7", **{"availability": "online", **changes}),
    )

    fresh = AgentProfile.objects.get(user=worker)
    assert response.status_code == 422
    html = response.content.decode()
    assert text in html
    next_to_field = html.split(f'id="id_{field}"')[1].split("<label")[0]
    assert "invalid-feedback" in next_to_field
    assert (fresh.availability, fresh.seniority, fresh.capacity) == ("away", 0, 10)


def test_a_lead_sets_and_removes_a_skill_level_with_htmx(world: World) -> None:
    lead = lead_of(world)
    worker = agent("worker", world.it_team)
    skill("vpn", "VPN 接入")
    client = world.client_for(lead)
    url = reverse("assignment:agent_skill", args=[worker.pk])

    fragment = client.post(url, {"skill": "vpn", "level": "4"}, headers={"HX-Request": "true"})
    again = client.post(url, {"skill": "vpn", "level": "2"}, headers={"HX-Request": "true"})
    bad = client.post(url, {"skill": "vpn", "level": "9"}, headers={"HX-Request": "true"})
    unknown = client.post(url, {"skill": "sap", "level": "2"})

    assert fragment.status_code == again.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert list(AgentSkill.objects.values_list("skill__code", "level")) == [("vpn", 2)]
    assert bad.status_code == unknown.status_code == 422
    assert "between 1 and 5" in bad.content.decode()
    assert "sap" in unknown.content.decode()

    removed = client.post(
        reverse("assignment:agent_skill_remove", args=[worker.pk, "vpn"]),
        headers={"HX-Request": "true"},
    )
    assert removed.status_code == 200
    assert not AgentSkill.objects.exists()


def test_another_teams_lead_and_agents_cannot_see_or_change_an_agent(world: World) -> None:
    worker = agent("worker", world.it_team, skills={"vpn": 3})
    stranger = agent("stranger", world.field_team)
    world.field_team.lead = stranger
    world.field_team.save()
    colleague = agent("colleague", world.it_team)
    profile = AgentProfile.objects.get(user=worker)

    for user in (stranger, colleague, worker):
        client = world.client_for(user)
        pages = [
            client.get(reverse("assignment:agent", args=[worker.pk])),
            client.post(
                reverse("assignment:agent", args=[worker.pk]),
                _agent_form(profile, capacity="99"),
            ),
            client.post(
                reverse("assignment:agent_skill", args=[worker.pk]),
                {"skill": "vpn", "level": "5"},
            ),
            client.post(reverse("assignment:agent_skill_remove", args=[worker.pk, "vpn"])),
        ]
        assert [p.status_code for p in pages] == [404] * 4, user
    customer = world.client_for(world.customer)
    assert customer.get(reverse("assignment:agent", args=[worker.pk])).status_code == 403
    assert AgentProfile.objects.get(user=worker).capacity == 10
    assert list(AgentSkill.objects.values_list("level", flat=True)) == [3]


def test_the_agent_page_takes_constant_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    worker = agent("worker", world.it_team, skills={f"s{i}": 2 for i in range(6)})
    client = world.client_for(world.supervisor)
    url = reverse("assignment:agent", args=[worker.pk])
    client.get(url)

    # session, user, the agent with their load, the skills to choose from, the agent's levels
    with django_assert_max_num_queries(5):
        page = client.get(url)

    assert page.content.decode().count('<tr data-code="s') == 6


def test_leads_and_managers_get_edit_links_on_the_overview(world: World) -> None:
    lead = lead_of(world)
    worker = agent("worker", world.it_team)
    link = reverse("assignment:agent", args=[worker.pk])

    assert link in world.client_for(lead).get(reverse("assignment:agents")).content.decode()
    mine = world.client_for(worker).get(reverse("assignment:agents")).content.decode()
    assert link not in mine
    assert "Load" in mine and "0/10" in mine  # an agent sees their own load and capacity


# --- rules -----------------------------------------------------------------------------------
def test_a_supervisor_creates_edits_and_deletes_a_rule(world: World) -> None:
    skill("vpn")
    client = world.client_for(world.supervisor)

    created = client.post(
        reverse("assignment:rule_new"),
        {**RULE_FORM, "team": str(world.it_team.pk), "skills": "vpn:3"},
    )
    rule = AssignmentRule.objects.get()
    edited = client.post(
        reverse("assignment:rule", args=[rule.pk]),
        {
            **RULE_FORM,
            "name": "现场",
            "weight_location": "4",
            "latitude": "31.23",
            "longitude": "121.47",
            "max_radius_km": "30",
            "skills": "",
        },
    )
    rule.refresh_from_db()
    form = client.get(reverse("assignment:rule", args=[rule.pk])).content.decode()
    deleted = client.post(reverse("assignment:rule_delete", args=[rule.pk]))

    assert (created.status_code, edited.status_code, deleted.status_code) == (302, 302, 302)
    assert (rule.name, rule.weight_location, rule.max_radius_km, rule.team) == (
        "现场",
        4,
        30,
        None,
    )
    assert 'value="31.23"' in form
    assert not AssignmentRule.objects.exists()


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"weight_skills": "11"}, "A weight is between 0 and 10."),
        ({"skills": "nosuch:2"}, "Unknown skill “nosuch”."),
        ({"skills": "vpn:7"}, "A skill level is between 1 and 5."),
        ({"skills": "vpn:high"}, "a colon and a level"),
        ({"max_radius_km": "20"}, "A maximum distance needs the service area&#x27;s location."),
        ({"latitude": "100", "longitude": "1"}, "Enter a value between -90 and 90."),
    ],
)
def test_bad_rules_are_explained_next_to_the_field_and_nothing_is_saved(
    world: World, changes: dict[str, str], text: str
) -> None:
    skill("vpn")
    client = world.client_for(world.admin)

    response = client.post(reverse("assignment:rule_new"), {**RULE_FORM, **changes})

    assert response.status_code == 422
    assert text in response.content.decode()
    assert not AssignmentRule.objects.exists()
    assert not RuleSkill.objects.exists()


def test_rule_errors_are_in_chinese(world: World) -> None:
    client = world.client_for(world.admin)
    client.cookies["django_language"] = "zh-hans"

    response = client.post(reverse("assignment:rule_new"), {**RULE_FORM, "max_radius_km": "20"})

    assert response.status_code == 422
    assert "服务区域" in response.content.decode()


@pytest.mark.parametrize("who", ["agent", "lead", "customer"])
def test_only_supervisors_and_admins_see_or_change_rules(world: World, who: str) -> None:
    rule = AssignmentRule.objects.create(name="r", team=world.it_team)
    user = lead_of(world) if who == "lead" else getattr(world, who)
    client = world.client_for(user)

    pages = [
        client.get(reverse("assignment:rules")),
        client.get(reverse("assignment:rule_new")),
        client.post(reverse("assignment:rule_new"), RULE_FORM),
        client.get(reverse("assignment:rule", args=[rule.pk])),
        client.post(reverse("assignment:rule", args=[rule.pk]), {**RULE_FORM, "name": "x"}),
        client.post(reverse("assignment:rule_delete", args=[rule.pk])),
    ]

    assert [p.status_code for p in pages] == [403] * 6
    assert list(AssignmentRule.objects.values_list("name", flat=True)) == ["r"]


def test_the_rule_list_takes_constant_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    vpn, sap = skill("vpn"), skill("sap")
    for i in range(6):
        rule = AssignmentRule.objects.create(name=f"r{i}", position=i, team=world.it_team)
        RuleSkill.objects.create(rule=rule, skill=vpn, min_level=2)
        RuleSkill.objects.create(rule=rule, skill=sap, min_level=3)
    client = world.client_for(world.supervisor)
    client.get(reverse("assignment:rules"))

    # session, user, the rules with their scope, their skills with the skills' names
    with django_assert_max_num_queries(5):
        page = client.get(reverse("assignment:rules"))

    assert page.content.decode().count("data-rule=") == 6


def test_another_teams_lead_cannot_switch_this_teams_automatic_assignment(world: World) -> None:
    from gongdan.assignment.models import TeamAssignment

    stranger = agent("stranger", world.field_team)
    world.field_team.lead = stranger
    world.field_team.save()
    client = world.client_for(stranger)

    response = client.post(
        reverse("assignment:team_settings", args=[world.it_team.pk]),
        {"auto_assign": "on", "on_unavailable": "redistribute"},
    )
    overview = client.get(reverse("assignment:agents")).content.decode()

    assert response.status_code == 404
    assert not TeamAssignment.objects.filter(team=world.it_team).exists()
    assert world.it_team.name not in overview
    assert world.field_team.name in overview  # their own team's switch
