"""/api/v1 assignment operations: preview, rules, agents, take next — and their outsiders."""

from __future__ import annotations

from gongdan.accounts.models import AgentProfile
from gongdan.assignment.models import AssignmentRule
from gongdan.audit.models import AuditEvent
from gongdan.testing import Api, World
from gongdan.tickets.models import Ticket
from tests.assignment.conftest import agent, skill

RULE = {"name": "华东现场", "team": None, "weight_location": 8, "weight_workload": 2}


# --- preview ---------------------------------------------------------------------------------
def test_preview_explains_who_would_get_the_ticket(world: World, api: Api) -> None:
    ticket = world.ticket()
    idle = agent("idle", world.it_team)
    busy = agent("busy", world.it_team, capacity=1)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=None)
    world.ticket(by=world.supervisor, assignee=busy)

    response = api.as_(world.agent).post("/assignment/preview", {"ticket": ticket.number})

    body = response.json()
    assert response.status_code == 200
    assert (body["agent_id"], body["agent_name"], body["rule_id"]) == (idle.pk, "idle", None)
    assert body["weights"]["workload"] == 5
    assert [c["name"] for c in body["candidates"]] == ["idle"]
    assert {(p["name"], p["reason"], p["reason_label"]) for p in body["passed"]} == {
        ("agent", "offline", "offline"),
        ("busy", "at_capacity", "at capacity"),
    }
    Ticket.objects.get(pk=ticket.pk, assignee=None)  # a dry run changes nothing


def test_preview_with_a_place_uses_the_distance(world: World, api: Api) -> None:
    AssignmentRule.objects.create(name="near", weight_location=10, weight_workload=0)
    near = agent("near", world.it_team, home=(31.23, 121.47))
    agent("far", world.it_team, home=(39.90, 116.40))
    ticket = world.ticket()

    body = (
        api.as_(world.supervisor)
        .post(
            "/assignment/preview", {"ticket": ticket.number, "latitude": 31.2, "longitude": 121.5}
        )
        .json()
    )

    assert body["agent_id"] == near.pk
    assert body["candidates"][0]["distance_km"] < 5


def test_outsiders_cannot_preview(world: World, api: Api) -> None:
    ticket = world.ticket()

    other_team = api.as_(world.other_agent).post("/assignment/preview", {"ticket": ticket.number})
    customer = api.as_(world.customer).post("/assignment/preview", {"ticket": ticket.number})

    assert (other_team.status_code, other_team.json()["code"]) == (404, "ticket.not_found")
    assert (customer.status_code, customer.json()["code"]) == (403, "permission.staff_only")


def test_preview_needs_both_coordinates(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.supervisor).post(
        "/assignment/preview", {"ticket": ticket.number, "latitude": 31.2}
    )

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"longitude"}


# --- rules ---------------------------------------------------------------------------------------
def test_rules_crud(world: World, api: Api) -> None:
    skill("printer", "打印机维修")
    as_sup = api.as_(world.supervisor)

    created = as_sup.post(
        "/assignment/rules",
        {
            **RULE,
            "team": world.field_team.pk,
            "latitude": 31.23,
            "longitude": 121.47,
            "max_radius_km": 80,
            "skills": [{"skill": "printer", "min_level": 3}],
        },
    )
    rule_id = created.json()["id"]
    updated = as_sup.patch(f"/assignment/rules/{rule_id}", {"weight_round_robin": 4, "skills": []})
    listed = as_sup.get("/assignment/rules")
    deleted = as_sup._send("delete", f"/assignment/rules/{rule_id}")

    assert created.status_code == 201
    assert created.json()["skills"] == [{"skill": "printer", "min_level": 3}]
    assert (created.json()["team"], created.json()["max_radius_km"]) == (world.field_team.pk, 80)
    assert updated.status_code == 200
    assert (updated.json()["weight_round_robin"], updated.json()["skills"]) == (4, [])
    assert [r["name"] for r in listed.json()] == ["华东现场"]
    assert deleted.status_code == 204
    assert not AssignmentRule.objects.exists()
    assert list(
        AuditEvent.objects.filter(object_type="assignment.AssignmentRule")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["assignment.rule_created", "assignment.rule_updated", "assignment.rule_deleted"]


def test_bad_rules_get_422_with_field_errors(world: World, api: Api) -> None:
    skill("vpn")
    as_admin = api.as_(world.admin)

    weights = as_admin.post(
        "/assignment/rules", {**RULE, "weight_skills": 11, "weight_location": -1}
    )
    unknown = as_admin.post("/assignment/rules", {**RULE, "skills": [{"skill": "飞行"}]})
    radius = as_admin.post("/assignment/rules", {**RULE, "max_radius_km": 50})
    reference = as_admin.post("/assignment/rules", {**RULE, "team": 999999})
    level = as_admin.post(
        "/assignment/rules", {**RULE, "skills": [{"skill": "vpn", "min_level": 9}]}
    )

    assert weights.status_code == 422
    assert weights.json()["code"] == "assignment.invalid_rule"
    assert set(weights.json()["fields"]) == {"weight_skills", "weight_location"}
    assert (unknown.status_code, unknown.json()["fields"]) == (
        422,
        {"skills.0.skill": "Unknown skill “飞行”."},
    )
    assert (radius.status_code, set(radius.json()["fields"])) == (422, {"max_radius_km"})
    assert (reference.status_code, set(reference.json()["fields"])) == (422, {"team"})
    assert (level.status_code, set(level.json()["fields"])) == (422, {"skills.0.min_level"})
    assert not AssignmentRule.objects.exists()


def test_agents_cannot_manage_rules(world: World, api: Api) -> None:
    rule = AssignmentRule.objects.create(name="keep")
    as_agent = api.as_(world.agent)

    responses = [
        as_agent.get("/assignment/rules"),
        as_agent.post("/assignment/rules", RULE),
        as_agent.patch(f"/assignment/rules/{rule.pk}", {"name": "changed"}),
        as_agent._send("delete", f"/assignment/rules/{rule.pk}"),
        api.as_(world.customer).get("/assignment/rules"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert list(AssignmentRule.objects.values_list("name", flat=True)) == ["keep"]


def test_unknown_rule_is_404(world: World, api: Api) -> None:
    response = api.as_(world.admin).patch("/assignment/rules/424242", {"name": "x"})

    assert (response.status_code, response.json()["code"]) == (404, "assignment.rule_not_found")


# --- agents --------------------------------------------------------------------------------------
def test_agents_see_their_own_load_and_leads_their_team(world: World, api: Api) -> None:
    lead = agent("lead", world.it_team)
    world.it_team.lead = lead
    world.it_team.save()
    world.ticket(by=world.supervisor, assignee=world.agent, priority="urgent")
    world.ticket(by=world.supervisor, assignee=world.agent, priority="low")

    mine = api.as_(world.agent).get("/assignment/agents").json()
    team = api.as_(lead).get("/assignment/agents").json()
    outsider = api.as_(world.other_agent).get(f"/assignment/agents?team={world.it_team.pk}").json()

    assert [(a["username"], a["load"], a["capacity"]) for a in mine] == [("agent", 4.5, 10)]
    assert sorted(a["username"] for a in team) == ["agent", "lead"]
    assert outsider == []


def test_agents_switch_their_own_availability(world: World, api: Api) -> None:
    response = api.as_(world.agent).patch(
        f"/assignment/agents/{world.agent.pk}",
        {"availability": "online", "current_latitude": 31.2, "current_longitude": 121.4},
    )

    profile = AgentProfile.objects.get(user=world.agent)
    assert response.status_code == 200
    assert response.json()["availability"] == "online"
    assert profile.availability == "online"
    assert profile.located_at is not None


def test_only_leads_and_managers_change_capacity(world: World, api: Api) -> None:
    own = api.as_(world.agent).patch(f"/assignment/agents/{world.agent.pk}", {"capacity": 99})
    other = api.as_(world.other_agent).patch(
        f"/assignment/agents/{world.agent.pk}", {"availability": "online"}
    )
    bad = api.as_(world.supervisor).patch(f"/assignment/agents/{world.agent.pk}", {"capacity": -1})
    ok = api.as_(world.supervisor).patch(f"/assignment/agents/{world.agent.pk}", {"capacity": 20})

    assert own.status_code == 403
    assert other.status_code == 404
    assert (bad.status_code, set(bad.json()["fields"])) == (422, {"capacity"})
    assert (ok.status_code, ok.json()["capacity"]) == (200, 20)


# --- take next -------------------------------------------------------------------------------
def test_take_next_over_the_api(world: World, api: Api) -> None:
    ticket = world.ticket(priority="high")

    taken = api.as_(world.agent).post("/tickets/take-next", {})
    empty = api.as_(world.agent).post("/tickets/take-next", {"team": world.it_team.pk})

    assert taken.status_code == 200
    assert (taken.json()["ticket"]["number"], taken.json()["ticket"]["assignee"]["id"]) == (
        ticket.number,
        world.agent.pk,
    )
    assert empty.json() == {"ticket": None}


def test_take_next_outsiders(world: World, api: Api) -> None:
    ticket = world.ticket()

    other = api.as_(world.other_agent).post("/tickets/take-next", {"team": world.it_team.pk})
    nothing = api.as_(world.other_agent).post("/tickets/take-next", {})
    customer = api.as_(world.customer).post("/tickets/take-next", {})

    assert other.status_code == 404
    assert nothing.json() == {"ticket": None}
    assert customer.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_customers_have_no_availability(world: World, api: Api) -> None:
    response = api.as_(world.admin).patch(
        f"/assignment/agents/{world.customer.pk}", {"availability": "online"}
    )

    assert response.status_code == 404
    assert not AgentProfile.objects.filter(user=world.customer).exists()


# --- skills and agents' levels ------------------------------------------------------------------
def test_skills_crud_with_the_pages_validation(world: World, api: Api) -> None:
    from gongdan.accounts.models import Skill

    as_sup = api.as_(world.supervisor)

    created = as_sup.post("/assignment/skills", {"code": "vpn", "name": "VPN 接入"})
    duplicate = as_sup.post("/assignment/skills", {"code": "vpn", "name": "again"})
    bad_code = as_sup.post("/assignment/skills", {"code": "v p n", "name": "x"})
    skill_id = created.json()["id"]
    updated = as_sup.patch(f"/assignment/skills/{skill_id}", {"name_en": "VPN access"})
    listed = as_sup.get("/assignment/skills")
    deleted = as_sup._send("delete", f"/assignment/skills/{skill_id}")
    missing = as_sup._send("delete", f"/assignment/skills/{skill_id}")

    assert created.status_code == 201
    assert created.json() == {
        "id": skill_id,
        "code": "vpn",
        "name": "VPN 接入",
        "name_en": "",
        "agents": 0,
    }
    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "assignment.invalid_skill")
    assert set(duplicate.json()["fields"]) == set(bad_code.json()["fields"]) == {"code"}
    assert updated.json()["name_en"] == "VPN access"
    assert [s["code"] for s in listed.json()] == ["vpn"]
    assert deleted.status_code == 204
    assert (missing.status_code, missing.json()["code"]) == (404, "assignment.skill_not_found")
    assert not Skill.objects.exists()


def test_agents_and_leads_cannot_manage_skills(world: World, api: Api) -> None:
    vpn = skill("vpn")
    lead = agent("lead", world.it_team)
    world.it_team.lead = lead
    world.it_team.save()

    responses = [
        api.as_(world.agent).get("/assignment/skills"),
        api.as_(lead).post("/assignment/skills", {"code": "x", "name": "x"}),
        api.as_(lead).patch(f"/assignment/skills/{vpn.pk}", {"name": "x"}),
        api.as_(world.customer)._send("delete", f"/assignment/skills/{vpn.pk}"),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    vpn.refresh_from_db()
    assert vpn.name == "vpn"


def test_a_lead_sets_an_agents_levels_and_outsiders_cannot(world: World, api: Api) -> None:
    from gongdan.accounts.models import AgentSkill

    skill("vpn", "VPN 接入")
    lead = agent("lead", world.it_team)
    world.it_team.lead = lead
    world.it_team.save()
    worker = agent("worker", world.it_team)
    stranger = agent("stranger", world.field_team)
    path = f"/assignment/agents/{worker.pk}/skills/vpn"

    set_ = api.as_(lead).put(path, {"level": 4})
    too_high = api.as_(lead).put(path, {"level": 6})
    unknown = api.as_(lead).put(f"/assignment/agents/{worker.pk}/skills/sap", {"level": 2})
    by_self = api.as_(worker).put(path, {"level": 5})
    by_stranger = api.as_(stranger).put(path, {"level": 5})
    by_customer = api.as_(world.customer)._send("delete", path)

    assert (set_.status_code, set_.json()) == (
        200,
        [{"skill": "vpn", "name": "VPN 接入", "level": 4}],
    )
    assert (too_high.status_code, set(too_high.json()["fields"])) == (422, {"level"})
    assert (unknown.status_code, set(unknown.json()["fields"])) == (422, {"skill"})
    assert by_self.status_code == 403
    assert by_stranger.status_code == by_customer.status_code == 404
    assert list(AgentSkill.objects.values_list("level", flat=True)) == [4]

    removed = api.as_(world.supervisor)._send("delete", path)
    assert (removed.status_code, removed.json()) == (200, [])
