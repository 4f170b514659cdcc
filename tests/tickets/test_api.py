"""/api/v1/tickets: list, create, get, update, transition."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongdan.testing import Api, World, state
from gongdan.tickets import services
from gongdan.tickets.models import Comment, Ticket

# --- tickets_list -------------------------------------------------------------------------------


def test_list_shows_a_customer_only_their_own_tickets(world: World, api: Api) -> None:
    mine = world.ticket(by=world.customer)
    world.ticket(by=world.other_customer)

    response = api.as_(world.customer).get("/tickets")

    assert response.status_code == 200
    body = response.json()
    assert [t["number"] for t in body["items"]] == [mine.number]
    assert body["next_cursor"] is None
    assert body["prev_cursor"] is None


def test_list_shows_an_org_admin_their_organizations_tickets(world: World, api: Api) -> None:
    colleague = world.ticket(by=world.customer)
    own = world.ticket(by=world.org_admin)
    world.ticket(by=world.other_customer)

    response = api.as_(world.org_admin).get("/tickets?sort=created")

    assert [t["number"] for t in response.json()["items"]] == [colleague.number, own.number]


def test_list_hides_another_teams_tickets_from_an_agent(world: World, api: Api) -> None:
    it_ticket = world.ticket()
    world.ticket(ticket_type=world.repair)  # Field team's queue

    response = api.as_(world.agent).get("/tickets")

    assert [t["number"] for t in response.json()["items"]] == [it_ticket.number]


def test_list_filters_by_status_priority_and_team(world: World, api: Api) -> None:
    urgent = world.ticket(priority="urgent")
    world.ticket(priority="low")
    world.ticket(ticket_type=world.repair, priority="urgent")

    response = api.as_(world.supervisor).get(
        f"/tickets?priority=urgent&priority=high&status=new&team={world.it_team.pk}"
    )

    assert [t["number"] for t in response.json()["items"]] == [urgent.number]


def test_list_pages_with_cursors_in_a_stable_order(world: World, api: Api) -> None:
    tickets = [world.ticket(title=f"第{i}个") for i in range(5)]
    caller = api.as_(world.agent)

    first = caller.get("/tickets?sort=created&size=2").json()
    second = caller.get(f"/tickets?sort=created&size=2&cursor={first['next_cursor']}").json()
    third = caller.get(f"/tickets?sort=created&size=2&cursor={second['next_cursor']}").json()
    back = caller.get(f"/tickets?sort=created&size=2&cursor={second['prev_cursor']}").json()

    numbers = [t.number for t in tickets]
    assert [t["number"] for t in first["items"]] == numbers[0:2]
    assert [t["number"] for t in second["items"]] == numbers[2:4]
    assert [t["number"] for t in third["items"]] == numbers[4:5]
    assert third["next_cursor"] is None
    assert [t["number"] for t in back["items"]] == numbers[0:2]


def test_list_rejects_a_forged_cursor_with_400(world: World, api: Api) -> None:
    import base64

    forged = base64.urlsafe_b64encode(b'["not a date", "abc"]').decode().rstrip("=")

    responses = [
        api.as_(world.agent).get(f"/tickets?cursor={c}") for c in (forged, "%%%", "bm9wZQ")
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert responses[0].json()["code"] == "pagination.bad_cursor"


def test_list_rejects_a_bad_page_size_and_filter_values(world: World, api: Api) -> None:
    too_big = api.as_(world.agent).get("/tickets?size=1000")
    bad_status = api.as_(world.agent).get("/tickets?status=flying")
    bad_date = api.as_(world.agent).get("/tickets?created_from=yesterday")

    assert too_big.status_code == 422
    assert list(too_big.json()["fields"]) == ["size"]
    assert bad_status.status_code == 422
    assert list(bad_status.json()["fields"]) == ["status.0"]
    assert bad_date.status_code == 422


@pytest.mark.parametrize("size", [5, 50])
def test_list_costs_the_same_queries_whatever_the_page_size(
    world: World, api: Api, size: int, django_assert_num_queries: object
) -> None:
    parent = world.ticket(by=world.agent)
    for i in range(size):
        ticket = world.ticket(
            by=world.agent,
            title=f"T{i}",
            tags=["打印机", f"t{i % 3}"],
            parent=parent if i % 2 else None,
            category=world.printer,
            assignee=world.agent,
        )
        assert ticket.pk
    caller = api.as_(world.agent)
    caller.get("/me")  # the token's last-used stamp is written once, not on every call

    with CaptureQueriesContext(connection) as queries:
        response = caller.get(f"/tickets?size={size}")

    assert response.status_code == 200
    assert len(response.json()["items"]) == size
    # token lookup, page of tickets (visibility, requester joined), one IN query each for
    # organization, team, assignee, type and category, one for tags and one for the SLA clocks
    assert len(queries) == 9


# --- tickets_create -----------------------------------------------------------------------------


def test_customer_creates_a_ticket_for_themselves(world: World, api: Api) -> None:
    response = api.as_(world.customer).post(
        "/tickets", {"title": "打印机卡纸", "description": "三楼打印机", "priority": "high"}
    )

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.requester == world.customer_contact
    assert ticket.channel == "api"
    assert ticket.team == world.it_team
    assert body["title"] == "打印机卡纸"
    assert body["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert "打印机卡纸" in response.content.decode()  # ensure_ascii=False


def test_staff_creates_a_ticket_for_a_requester_with_team_and_tags(world: World, api: Api) -> None:
    response = api.as_(world.agent).post(
        "/tickets",
        {
            "title": "VPN down",
            "requester": world.customer_contact.pk,
            "team": None,
            "tags": ["vpn", "网络"],
            "assignee": world.agent.pk,
            "category": world.printer.pk,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["team"] is None
    assert body["tags"] == ["vpn", "网络"]
    assert body["assignee"]["username"] == "agent"
    assert body["status"] == "assigned"
    assert body["requester"]["id"] == world.customer_contact.pk


def test_create_costs_a_fixed_number_of_queries(world: World, api: Api) -> None:
    caller = api.as_(world.agent)
    caller.get("/me")  # the token's last-used stamp is written once, not on every call
    body = {"title": "VPN down", "requester": world.customer_contact.pk, "priority": "high"}
    caller.post("/tickets", body)  # warm the per-process caches (types, SLA policies, rules)

    with CaptureQueriesContext(connection) as queries:
        response = caller.post("/tickets", body)

    assert response.status_code == 201
    # token; requester contact (its organization joined); in the transaction: the day's number,
    # the ticket, its timeline entry, audit event and outbox event. No SLA policy applies here:
    # no clocks are written, and the response reads none back (tests/sla: with clocks).
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements.count("SELECT") == 2
    assert statements.count("INSERT") == 5
    assert len(statements) == 7 + 2  # BEGIN/COMMIT, or SAVEPOINT/RELEASE inside a test


def test_customer_may_not_file_a_ticket_for_someone_else(world: World, api: Api) -> None:
    before = Ticket.objects.count()

    response = api.as_(world.other_customer).post(
        "/tickets", {"title": "冒名", "requester": world.customer_contact.pk}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission.staff_only"
    assert Ticket.objects.count() == before


def test_create_rejects_a_10000_character_title(world: World, api: Api) -> None:
    response = api.as_(world.customer).post("/tickets", {"title": "长" * 10_000})

    assert response.status_code == 422
    assert response.json()["fields"] == {"title": "Ensure this value has at most 200 characters."}
    assert Ticket.objects.count() == 0


def test_create_rejects_unknown_fields(world: World, api: Api) -> None:
    response = api.as_(world.customer).post("/tickets", {"title": "ok", "is_admin": True})

    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Please correct the highlighted fields.",
        "fields": {"is_admin": "Unknown field."},
    }
    assert Ticket.objects.count() == 0


def test_create_rejects_malformed_json_with_400(world: World, api: Api) -> None:
    responses = [
        api.as_(world.customer).post("/tickets", raw=raw)
        for raw in ('{"title": ', "\xff\xfe", "[1, 2]", "null", '"text"')
    ]

    assert [r.status_code for r in responses] == [400, 400, 422, 422, 422]
    assert responses[0].json() == {
        "code": "malformed_json",
        "message": "The request body is not valid JSON.",
        "fields": {},
    }
    assert Ticket.objects.count() == 0


def test_create_stores_html_and_script_as_plain_text(world: World, api: Api) -> None:
    title = '<script>alert("x")</script><b>粗体</b>'

    response = api.as_(world.customer).post(
        "/tickets", {"title": title, "description": "<img src=x onerror=1>"}
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.title == title
    assert ticket.description == "<img src=x onerror=1>"
    assert response.json()["title"] == title
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_create_rejects_an_unknown_reference(world: World, api: Api) -> None:
    response = api.as_(world.agent).post(
        "/tickets", {"title": "x", "requester": world.customer_contact.pk, "ticket_type": 999}
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["ticket_type"]


def test_create_without_authentication_is_401(world: World, api: Api) -> None:
    response = api.as_(None).post("/tickets", {"title": "x"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="gongdan"'
    assert Ticket.objects.count() == 0


# --- tickets_get --------------------------------------------------------------------------------


def test_get_returns_the_ticket_with_an_etag(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.customer).get(f"/tickets/{ticket.number}")

    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.json()["number"] == ticket.number
    assert response.json()["ticket_type"] == {
        "id": world.incident.pk,
        "name": "Incident",
        "code": "incident",
    }


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_get_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()

    response = api.as_(getattr(world, outsider)).get(f"/tickets/{ticket.number}")

    assert response.status_code == 404
    assert response.json()["code"] == "ticket.not_found"


def test_get_unknown_number_is_404(world: World, api: Api) -> None:
    response = api.as_(world.admin).get("/tickets/GD-19990101-0001")

    assert response.status_code == 404


# --- tickets_update -----------------------------------------------------------------------------


def test_update_with_if_match_changes_fields_and_the_version(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).patch(
        f"/tickets/{ticket.number}",
        {"title": "新标题", "priority": "urgent", "assignee": world.agent.pk, "tags": ["a"]},
        headers={"If-Match": '"1"'},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["priority"], body["tags"]) == ("新标题", "urgent", ["a"])
    assert body["assignee"]["id"] == world.agent.pk
    assert body["version"] == 3  # the update, then the assignment
    assert response.headers["ETag"] == '"3"'


def test_update_accepts_the_version_in_the_body(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).patch(
        f"/tickets/{ticket.number}", {"title": "Body version", "version": 1}
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_update_with_a_stale_version_is_409_and_changes_nothing(world: World, api: Api) -> None:
    ticket = world.ticket()
    services.ticket_update(actor=world.agent, ticket=ticket, title="Someone else's edit")
    before = state(ticket)

    response = api.as_(world.agent).patch(
        f"/tickets/{ticket.number}", {"title": "Mine"}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "ticket.version_conflict"
    assert state(ticket) == before


def test_update_without_a_version_is_428(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.agent).patch(f"/tickets/{ticket.number}", {"title": "Blind"})

    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    assert state(ticket) == before


def test_update_rejects_null_for_a_required_field(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).patch(
        f"/tickets/{ticket.number}", {"title": None}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["title"]


def test_update_rejects_a_garbage_if_match(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).patch(
        f"/tickets/{ticket.number}", {"title": "x"}, headers={"If-Match": "yesterday"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_if_match"


def test_customer_may_not_patch_their_own_ticket(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.customer).patch(
        f"/tickets/{ticket.number}", {"title": "Hacked"}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 403
    assert state(ticket) == before


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_update_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(getattr(world, outsider)).patch(
        f"/tickets/{ticket.number}", {"title": "Hacked"}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 404
    assert state(ticket) == before


# --- tickets_transition -------------------------------------------------------------------------


def test_transition_moves_the_ticket(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).post(
        f"/tickets/{ticket.number}/transitions", {"to": "in_progress"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["assignee"]["id"] == world.agent.pk


def test_customer_cancels_with_a_reason_that_becomes_a_reply(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.customer).post(
        f"/tickets/{ticket.number}/transitions", {"to": "cancelled", "comment": "已自行解决"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert list(Comment.objects.filter(ticket=ticket).values_list("body", flat=True)) == [
        "已自行解决"
    ]


def test_illegal_transition_is_422_and_changes_nothing(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.agent).post(f"/tickets/{ticket.number}/transitions", {"to": "closed"})

    assert response.status_code == 422
    assert response.json()["code"] == "ticket.illegal_transition"
    assert response.json()["fields"] == {"to": "A ticket cannot move from New to Closed."}
    assert state(ticket) == before


def test_transition_to_an_unknown_status_is_422(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).post(f"/tickets/{ticket.number}/transitions", {"to": "flying"})

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["to"]


def test_transition_with_a_stale_if_match_is_409(world: World, api: Api) -> None:
    ticket = world.ticket()
    services.ticket_update(actor=world.agent, ticket=ticket, title="changed")
    before = state(ticket)

    response = api.as_(world.agent).post(
        f"/tickets/{ticket.number}/transitions", {"to": "in_progress"}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 409
    assert state(ticket) == before


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_transition_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(getattr(world, outsider)).post(
        f"/tickets/{ticket.number}/transitions", {"to": "cancelled", "comment": "x"}
    )

    assert response.status_code == 404
    assert state(ticket) == before


def test_agent_moving_a_ticket_to_another_team_gets_the_saved_ticket(
    world: World, api: Api
) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).patch(
        f"/tickets/{ticket.number}", {"team": world.field_team.pk}, headers={"If-Match": '"1"'}
    )
    after = api.as_(world.agent).get(f"/tickets/{ticket.number}")

    assert response.status_code == 200
    assert response.json()["team"]["code"] == "field"
    assert after.status_code == 404
