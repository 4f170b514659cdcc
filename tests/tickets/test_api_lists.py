"""/api/v1/views (saved views, personal and shared) and /api/v1/tickets/bulk, outsiders included."""

from __future__ import annotations

from gongdan.testing import Api, World, state
from gongdan.tickets.choices import Priority
from gongdan.tickets.models import SavedView


def test_create_list_update_delete_a_personal_view(world: World, api: Api) -> None:
    agent = api.as_(world.agent)

    created = agent.post(
        "/views",
        {
            "name": "紧急 urgent",
            "filters": {"view": "open", "priority": ["urgent"]},
            "sort": "-priority",
            "columns": ["status", "sla"],
        },
    )
    view_id = created.json()["id"]
    listed = agent.get("/views").json()
    updated = agent.patch(f"/views/{view_id}", {"sort": "due", "columns": ["assignee"]})
    deleted = agent.delete(f"/views/{view_id}")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["filters"] == {"view": "open", "priority": ["urgent"]}
    assert (body["sort"], body["columns"], body["visibility"]) == (
        "-priority",
        ["number", "title", "status", "sla"],
        "personal",
    )
    assert body["url"].startswith("/desk/tickets/?view=open&priority=urgent&sort=-priority")
    assert [v["name"] for v in listed] == ["紧急 urgent"]
    assert updated.status_code == 200
    assert (updated.json()["sort"], updated.json()["filters"]["priority"]) == ("due", ["urgent"])
    assert deleted.status_code == 204
    assert SavedView.objects.count() == 0


def test_unknown_filter_bad_value_and_duplicate_name_are_422_with_a_code(
    world: World, api: Api
) -> None:
    agent = api.as_(world.agent)
    agent.post("/views", {"name": "mine"})

    unknown = agent.post("/views", {"name": "x", "filters": {"colour": "red"}})
    bad = agent.post("/views", {"name": "y", "filters": {"priority": ["burning"]}})
    column = agent.post("/views", {"name": "z", "columns": ["shoe_size"]})
    duplicate = agent.post("/views", {"name": "mine"})

    assert (unknown.status_code, unknown.json()["code"]) == (422, "view.unknown_filter")
    assert "colour" in unknown.json()["fields"]
    assert (bad.status_code, bad.json()["code"]) == (422, "view.invalid_filter")
    assert (column.status_code, column.json()["code"]) == (422, "view.unknown_column")
    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "saved_view.exists")
    assert SavedView.objects.count() == 1


def test_supervisor_shares_with_a_team_only_its_members_see_it(world: World, api: Api) -> None:
    shared = api.as_(world.supervisor).post(
        "/views",
        {
            "name": "IT 队列",
            "filters": {"view": "unassigned"},
            "visibility": "team",
            "team": world.it_team.pk,
        },
    )
    everyone = api.as_(world.supervisor).post(
        "/views", {"name": "全部逾期", "filters": {"view": "breached"}, "visibility": "everyone"}
    )
    view_id = shared.json()["id"]

    member = api.as_(world.agent).get("/views").json()
    outsider = api.as_(world.other_agent).get("/views").json()
    outsider_edit = api.as_(world.other_agent).patch(f"/views/{view_id}", {"name": "mine now"})
    outsider_delete = api.as_(world.other_agent).delete(f"/views/{view_id}")
    member_edit = api.as_(world.agent).patch(f"/views/{view_id}", {"name": "mine now"})

    assert (shared.status_code, everyone.status_code) == (201, 201)
    assert [v["name"] for v in member] == ["IT 队列", "全部逾期"]
    assert [v["name"] for v in outsider] == ["全部逾期"]
    assert (outsider_edit.status_code, outsider_delete.status_code) == (404, 404)
    assert (member_edit.status_code, member_edit.json()["code"]) == (403, "view.not_owner")
    assert SavedView.objects.get(pk=view_id).name == "IT 队列"


def test_agent_may_not_share_a_view(world: World, api: Api) -> None:
    agent = api.as_(world.agent)

    everyone = agent.post("/views", {"name": "x", "visibility": "everyone"})
    team = agent.post("/views", {"name": "y", "visibility": "team", "team": world.it_team.pk})
    mine = agent.post("/views", {"name": "z"}).json()["id"]
    promote = agent.patch(f"/views/{mine}", {"visibility": "everyone"})

    assert (everyone.status_code, everyone.json()["code"]) == (403, "view.share_forbidden")
    assert team.status_code == 403
    assert promote.status_code == 403
    assert SavedView.objects.get().visibility == "personal"


def test_team_visibility_needs_a_team(world: World, api: Api) -> None:
    response = api.as_(world.supervisor).post("/views", {"name": "x", "visibility": "team"})

    assert (response.status_code, response.json()["code"]) == (422, "view.team_required")


def test_customer_tokens_get_403_on_views_and_bulk(world: World, api: Api) -> None:
    ticket = world.ticket()
    view = SavedView.objects.create(user=world.agent, name="mine", query="view=mine")
    before = state(ticket)
    customer = api.as_(world.customer)

    answers = [
        customer.get("/views"),
        customer.post("/views", {"name": "x"}),
        customer.patch(f"/views/{view.pk}", {"name": "x"}),
        customer.delete(f"/views/{view.pk}"),
        customer.post(
            "/tickets/bulk",
            {"action": "priority", "numbers": [ticket.number], "params": {"priority": "low"}},
        ),
    ]

    assert [a.status_code for a in answers] == [403] * 5
    assert state(ticket) == before
    assert SavedView.objects.get().name == "mine"


def test_bulk_reports_each_ticket(world: World, api: Api) -> None:
    ours, theirs = world.ticket(), world.ticket(ticket_type=world.repair)
    before = state(theirs)

    response = api.as_(world.agent).post(
        "/tickets/bulk",
        {
            "action": "priority",
            "numbers": [ours.number, theirs.number],
            "params": {"priority": "urgent"},
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["action"], body["applied"], body["failed"]) == ("priority", 1, 1)
    assert [(i["number"], i["outcome"], i["code"]) for i in body["items"]] == [
        (ours.number, "ok", ""),
        (theirs.number, "refused", "ticket.not_found"),
    ]
    ours.refresh_from_db()
    assert ours.priority == Priority.URGENT
    assert state(theirs) == before


def test_bulk_unknown_action_and_stale_version(world: World, api: Api) -> None:
    ticket = world.ticket()
    supervisor = api.as_(world.supervisor)

    unknown = supervisor.post("/tickets/bulk", {"action": "explode", "numbers": [ticket.number]})
    stale = supervisor.post(
        "/tickets/bulk",
        {
            "action": "assign",
            "numbers": [ticket.number],
            "params": {"assignee": "me"},
            "versions": {ticket.number: ticket.version + 5},
        },
    )

    assert (unknown.status_code, unknown.json()["code"]) == (422, "bulk.unknown_action")
    assert stale.json()["items"][0]["outcome"] == "conflict"
    ticket.refresh_from_db()
    assert ticket.assignee is None
