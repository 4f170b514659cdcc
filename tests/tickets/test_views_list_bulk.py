"""The workspace list's new parts: sortable headers, columns, density, unread markers, shared
views in the sidebar, bulk actions with their per-ticket report; outsiders and query cost."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongdan.testing import World, state
from gongdan.tickets import services
from gongdan.tickets.choices import Priority, Status
from gongdan.tickets.models import ListPreference, SavedView, Ticket, TicketSeen

URL = "/desk/tickets/"
HTMX = {"HX-Request": "true", "HX-Target": "bulk-report"}


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-ticket="([^"]+)"', html)


def test_column_headers_sort_both_ways_and_say_so(world: World) -> None:
    low = world.ticket(by=world.agent, priority=Priority.LOW)
    high = world.ticket(by=world.agent, priority=Priority.URGENT)
    client = world.client_for(world.agent)

    html = client.get(URL, {"view": "all", "sort": "-priority"}).content.decode()
    reverse = client.get(URL, {"view": "all", "sort": "priority"}).content.decode()

    assert _numbers(html) == [high.number, low.number]
    assert _numbers(reverse) == [low.number, high.number]
    assert re.search(r'<th scope="col" class="gd-col-priority" aria-sort="descending">', html)
    assert "view=all&amp;sort=priority" in html  # a second click sorts ascending
    assert 'class="gd-col-updated" aria-sort' not in html


@pytest.mark.parametrize(
    "sort", ["requester", "-assignee", "status", "-status", "-number", "due", "-due", "team"]
)
def test_every_sort_pages_through_the_api_without_gaps_or_repeats(
    world: World,
    api,
    sort: str,  # type: ignore[no-untyped-def]
) -> None:
    made = [world.ticket(by=world.agent) for _ in range(5)]
    services.ticket_assign(actor=world.supervisor, ticket=made[0], assignee=world.agent)
    services.ticket_transition(actor=world.agent, ticket=made[1], to=Status.IN_PROGRESS)
    caller = api.as_(world.supervisor)

    numbers: list[str] = []
    cursor = ""
    for _ in range(5):
        body = caller.get(f"/tickets?view=all&sort={sort}&size=2{cursor}").json()
        numbers += [t["number"] for t in body["items"]]
        if not body["next_cursor"]:
            break
        cursor = f"&cursor={body['next_cursor']}"
    whole = [t["number"] for t in caller.get(f"/tickets?view=all&sort={sort}").json()["items"]]

    assert numbers == whole
    assert sorted(numbers) == sorted(t.number for t in made)


def test_the_due_sort_puts_tickets_without_a_clock_last(world: World) -> None:
    tickets = [world.ticket(by=world.agent) for _ in range(3)]
    Ticket.objects.filter(pk=tickets[1].pk).update(sla_due_at="2030-01-01T00:00:00Z")
    Ticket.objects.filter(pk=tickets[2].pk).update(sla_due_at="2029-01-01T00:00:00Z")
    client = world.client_for(world.agent)

    due = _numbers(client.get(URL, {"view": "all", "sort": "due"}).content.decode())
    latest = _numbers(client.get(URL, {"view": "all", "sort": "-due"}).content.decode())

    assert due == [tickets[2].number, tickets[1].number, tickets[0].number]
    assert latest == [tickets[1].number, tickets[2].number, tickets[0].number]


def test_column_chooser_on_the_built_in_views_and_on_a_saved_view(world: World) -> None:
    world.ticket(by=world.agent)
    view = SavedView.objects.create(user=world.agent, name="mine", query="view=all")
    client = world.client_for(world.agent)

    client.post(
        "/desk/tickets/columns/",
        {
            "columns": ["channel", "status", "number", "title"],
            "pos_channel": "1",
            "pos_status": "2",
            "query": "view=all",
        },
    )
    client.post(
        "/desk/tickets/columns/",
        {"columns": ["created", "number", "title"], "saved": str(view.pk), "query": ""},
    )
    built_in = client.get(URL, {"view": "all"}).content.decode()
    saved = client.get(URL, {"view": "all", "saved": str(view.pk)}).content.decode()

    assert ListPreference.objects.get(user=world.agent).columns == [
        "channel",
        "status",
        "number",
        "title",
    ]
    assert SavedView.objects.get(pk=view.pk).columns == ["created", "number", "title"]
    assert re.findall(r'<th scope="col" class="gd-col-(\w+)"', built_in) == [
        "select",
        "channel",
        "status",
        "number",
        "title",
    ]
    assert re.findall(r'<th scope="col" class="gd-col-(\w+)"', saved) == [
        "select",
        "created",
        "number",
        "title",
    ]


def test_someone_elses_view_columns_cannot_be_changed(world: World) -> None:
    view = SavedView.objects.create(user=world.agent, name="mine", query="view=all")
    shared = SavedView.objects.create(
        user=world.supervisor, name="shared", query="view=all", visibility="everyone"
    )
    client = world.client_for(world.other_agent)

    hidden = client.post("/desk/tickets/columns/", {"columns": ["created"], "saved": str(view.pk)})
    not_owner = client.post(
        "/desk/tickets/columns/", {"columns": ["created"], "saved": str(shared.pk)}
    )

    assert (hidden.status_code, not_owner.status_code) == (404, 403)
    assert SavedView.objects.filter(columns=[]).count() == 2


def test_density_is_remembered(world: World) -> None:
    client = world.client_for(world.agent)

    response = client.post("/desk/tickets/density/", {"density": "compact", "query": "view=all"})
    bad = client.post("/desk/tickets/density/", {"density": "huge"})
    page = client.get(URL).content.decode()

    assert (response.status_code, response["Location"]) == (302, "/desk/tickets/?view=all")
    assert bad.status_code == 422
    assert ListPreference.objects.get(user=world.agent).density == "compact"
    assert 'class="gd-density-compact"' in page


def test_unread_marker_until_the_agent_opens_the_ticket(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.agent)
    client.get(f"/desk/tickets/{ticket.number}/")
    opened = client.get(URL, {"view": "all"}).content.decode()

    services.comment_create(actor=world.customer, ticket=ticket, body="还是不行 still broken")
    changed = client.get(URL, {"view": "all"}).content.decode()
    client.get(f"/desk/tickets/{ticket.number}/")
    again = client.get(URL, {"view": "all"}).content.decode()

    row = f'<tr data-ticket="{ticket.number}" class="gd-unread">'
    assert (row in opened, row in changed, row in again) == (False, True, False)
    assert TicketSeen.objects.filter(user=world.agent, ticket=ticket).count() == 1


def test_own_changes_do_not_mark_a_ticket_unread(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.agent)
    client.get(f"/desk/tickets/{ticket.number}/")
    services.comment_create(actor=world.agent, ticket=ticket, body="我在处理 on it")

    page = client.get(URL, {"view": "all"}).content.decode()

    assert f'<tr data-ticket="{ticket.number}">' in page


def test_sidebar_groups_my_views_and_shared_ones_with_counts(world: World) -> None:
    world.ticket()
    SavedView.objects.create(user=world.agent, name="我的 mine", query="view=all")
    SavedView.objects.create(
        user=world.supervisor,
        name="IT 共享",
        query="view=all",
        visibility="team",
        team=world.it_team,
    )
    SavedView.objects.create(
        user=world.supervisor,
        name="现场共享",
        query="view=all",
        visibility="team",
        team=world.field_team,
    )

    html = world.client_for(world.agent).get(URL).content.decode()
    mine = html.split('data-testid="my-views"')[1].split("</ul>")[0]
    shared = html.split('data-testid="shared-views"')[1].split("</ul>")[0]

    assert "我的 mine" in mine and "IT 共享" not in mine
    assert "IT 共享" in shared
    assert "现场共享" not in html  # another team's view
    assert 'gd-view-count">1<' in shared


def test_supervisor_shares_a_view_from_the_workspace_and_agents_cannot(world: World) -> None:
    supervisor = world.client_for(world.supervisor).post(
        "/desk/views/",
        {"name": "IT", "query": "view=open", "visibility": "team", "team": str(world.it_team.pk)},
    )
    agent = world.client_for(world.agent).post(
        "/desk/views/",
        {"name": "all", "query": "view=open", "visibility": "everyone"},
        headers={"HX-Request": "true", "HX-Target": "saved-views"},
    )

    assert supervisor.status_code == 302
    assert SavedView.objects.get().team == world.it_team
    assert agent.status_code == 422
    assert "Only supervisors and administrators may share" in agent.content.decode()


def test_bulk_from_the_list_reports_per_ticket_results(world: World) -> None:
    new, done = world.ticket(), world.ticket()
    services.ticket_assign(actor=world.supervisor, ticket=done, assignee=world.agent)
    services.ticket_transition(actor=world.agent, ticket=done, to=Status.RESOLVED)

    response = world.client_for(world.supervisor).post(
        "/desk/tickets/bulk/",
        {
            "action": "status",
            "to": "in_progress",
            "t": [f"{new.number}~{new.version}", f"{done.number}~9999"],
        },
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "tickets-changed"
    assert html.lstrip().startswith('<div id="bulk-report"')
    assert "1 ticket done, 1 not changed" in html
    assert f'data-bulk-ticket="{done.number}" data-outcome="conflict"' in html
    assert Ticket.objects.get(pk=new.pk).status == Status.IN_PROGRESS


def test_bulk_on_all_matching_tickets_and_its_limit(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    tickets = [world.ticket(by=world.agent, tags=["批量"]) for _ in range(3)]
    client = world.client_for(world.supervisor)
    page = client.get(URL, {"view": "all", "tag": "批量", "size": "10"}).content.decode()

    response = client.post(
        "/desk/tickets/bulk/",
        {
            "action": "priority",
            "priority": "high",
            "all_matching": "1",
            "query": "view=all&tag=批量",
        },
    )

    assert "Select all 3 matching tickets" in page
    assert response.status_code == 200
    assert "3 tickets done" in response.content.decode()
    assert {Ticket.objects.get(pk=t.pk).priority for t in tickets} == {Priority.HIGH}


def test_select_all_matching_says_when_there_are_too_many(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gongdan.tickets.views import lists

    monkeypatch.setattr(lists, "BULK_MAX", 2)
    for _ in range(3):
        world.ticket(by=world.agent)
    client = world.client_for(world.supervisor)

    page = client.get(URL, {"view": "all", "size": "10"}).content.decode()
    paged = client.get(URL, {"view": "all", "size": "2"}).content.decode()
    refused = client.post(
        "/desk/tickets/bulk/",
        {"action": "priority", "priority": "low", "all_matching": "1", "query": "view=all"},
        headers=HTMX,
    )

    assert "More than 2 tickets match" in page
    assert "More than 2 tickets match" in paged
    assert refused.status_code == 422
    assert 'data-code="bulk.too_many"' in refused.content.decode()
    assert not Ticket.objects.filter(priority=Priority.LOW).exists()


def test_bulk_unknown_action_is_a_clear_message(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.supervisor).post(
        "/desk/tickets/bulk/", {"action": "explode", "t": [ticket.number]}, headers=HTMX
    )

    assert response.status_code == 422
    assert "Unknown bulk action" in response.content.decode()


def test_customers_and_visitors_cannot_use_the_list_actions(world: World) -> None:
    ticket = world.ticket()
    before = state(ticket)
    customer = world.client_for(world.customer)

    answers = [
        customer.post(
            "/desk/tickets/bulk/", {"action": "priority", "priority": "low", "t": [ticket.number]}
        ),
        customer.post("/desk/tickets/density/", {"density": "compact"}),
        customer.post("/desk/tickets/columns/", {"columns": ["status"]}),
        Client().post("/desk/tickets/bulk/", {"action": "priority", "t": [ticket.number]}),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403, 302]
    assert state(ticket) == before
    assert not ListPreference.objects.exists()


def test_query_count_does_not_grow_with_rows_or_columns(world: World) -> None:
    for i in range(12):
        world.ticket(by=world.agent, tags=["a"], assignee=world.agent if i % 2 else None)
    SavedView.objects.create(user=world.agent, name="v", query="view=all")
    client = world.client_for(world.agent)

    def count(size: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"view": "all", "size": size}).status_code == 200
        return len(queries)

    count("10")  # the process caches (the filter form's choice lists) warm up
    few_rows = count("10")
    many_rows = count("50")
    ListPreference.objects.create(
        user=world.agent,
        columns=list(__import__("gongdan.tickets.columns", fromlist=["COLUMNS"]).COLUMNS),
    )
    all_columns = count("50")

    assert few_rows == many_rows + 1  # ten rows of twelve: the bounded "matching" count
    assert all_columns == many_rows
