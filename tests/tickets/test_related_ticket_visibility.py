"""Other tickets a ticket names — parent, merge target, linked and merged tickets — are shown by
number and title only to those who may open them (defect 14): workspace page, timeline, API,
portal."""

from __future__ import annotations

import re

from django.urls import reverse

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import LinkKind
from gongdan.tickets.models import Ticket

HIDDEN = "a ticket you cannot open"


def _split(world: World) -> tuple[Ticket, Ticket]:
    """An IT ticket (the parent) with a child for the field team."""
    parent = world.ticket(title="机房空调故障 Server room AC failure")
    child = services.ticket_create_child(
        actor=world.supervisor, parent=parent, title="现场检修 On-site check", team=world.field_team
    )
    return parent, child


def test_the_child_page_hides_the_parent_from_an_agent_who_may_not_open_it(world: World) -> None:
    parent, child = _split(world)

    html = world.client_for(world.other_agent).get(reverse("tickets:detail", args=[child.number]))

    assert html.status_code == 200
    text = html.content.decode()
    assert parent.number not in text
    assert "Server room AC failure" not in text
    assert HIDDEN in text


def test_the_child_page_links_the_parent_for_who_may_open_it(world: World) -> None:
    parent, child = _split(world)

    html = world.client_for(world.supervisor).get(reverse("tickets:detail", args=[child.number]))

    assert f'href="{reverse("tickets:detail", args=[parent.number])}"' in html.content.decode()


def test_the_api_gives_no_parent_number_to_an_agent_who_may_not_open_it(world: World) -> None:
    parent, child = _split(world)
    url = f"/api/v1/tickets/{child.number}"

    theirs = world.client_for(world.other_agent).get(url)
    supervisors = world.client_for(world.supervisor).get(url)

    assert (theirs.status_code, theirs.json()["parent"]) == (200, None)
    assert supervisors.json()["parent"] == parent.number


def _linked(world: World) -> tuple[Ticket, Ticket]:
    """An IT ticket linked (by a supervisor) to a field ticket."""
    it = world.ticket(title="网络中断 Network down")
    field = world.ticket(title="布线 Cabling", ticket_type=world.repair)
    services.ticket_link(actor=world.supervisor, ticket=it, target=field, kind=LinkKind.RELATED)
    return it, field


def test_a_link_entry_does_not_name_a_ticket_the_reader_may_not_open(world: World) -> None:
    it, field = _linked(world)

    page = world.client_for(world.other_agent).get(reverse("tickets:detail", args=[field.number]))
    api = world.client_for(world.other_agent).get(f"/api/v1/tickets/{field.number}/timeline")

    assert it.number not in page.content.decode()
    assert "Network down" not in page.content.decode()
    linked = [e for e in api.json()["items"] if e["kind"] == "ticket.linked"]
    assert len(linked) == 1
    assert linked[0]["data"] == {"number": None, "kind": "related", "direction": "from"}
    assert linked[0]["text"] == f"linked this ticket and {HIDDEN} as related"
    assert it.number not in api.content.decode()


def test_a_link_entry_names_the_other_ticket_once_for_who_may_open_it(world: World) -> None:
    it, field = _linked(world)

    page = world.client_for(world.supervisor).get(reverse("tickets:detail", args=[field.number]))

    timeline = page.content.decode().split('id="ticket-timeline"')[1].split("</section>")[0]
    shown = re.sub(r"<[^>]+>", "", timeline)
    assert shown.count(it.number) == 1  # in the sentence, as its link; not printed again
    assert f'href="{reverse("tickets:detail", args=[it.number])}">{it.number}</a>' in timeline


def test_the_portal_hides_a_merge_target_the_customer_may_not_open(world: World) -> None:
    # Given the customer's ticket merged into one their organization admin opened, and the
    # customer no longer watching that one (a merge adds them; the desk removed them)
    source = world.ticket(title="打印机卡纸")
    target = services.ticket_create(
        actor=world.org_admin, title="打印机全部卡纸", ticket_type=world.incident
    )
    services.ticket_merge(actor=world.supervisor, source=source, target=target)
    watcher = target.watchers.get(contact=world.customer_contact)
    services.watcher_remove(actor=world.supervisor, ticket=target, watcher_id=watcher.pk)

    # When the customer (not an organization admin) reads the duplicate in the portal
    page = world.client_for(world.customer).get(reverse("portal:detail", args=[source.number]))

    # Then the target is not named; the organization admin sees it named
    assert page.status_code == 200
    assert target.number not in page.content.decode()
    assert f"merged this ticket into {HIDDEN}" in page.content.decode()
    admin_page = world.client_for(world.org_admin).get(
        reverse("portal:detail", args=[source.number])
    )
    assert f"merged this ticket into {target.number}" in admin_page.content.decode()


def test_the_other_organizations_customer_reads_neither_ticket(world: World) -> None:
    source = world.ticket(title="打印机卡纸")
    target = world.ticket(title="打印机全部卡纸")
    services.ticket_merge(actor=world.supervisor, source=source, target=target)
    client = world.client_for(world.other_customer)

    pages = [client.get(reverse("portal:detail", args=[t.number])) for t in (source, target)]
    api = client.get(f"/api/v1/tickets/{source.number}/timeline")

    assert [p.status_code for p in pages] == [404, 404]
    assert api.status_code == 404


def test_the_api_list_gives_no_parent_number_to_an_agent_who_may_not_open_it(
    world: World,
) -> None:
    parent, child = _split(world)

    theirs = world.client_for(world.other_agent).get("/api/v1/tickets")
    supervisors = world.client_for(world.supervisor).get("/api/v1/tickets")

    assert [(t["number"], t["parent"]) for t in theirs.json()["items"]] == [(child.number, None)]
    assert {t["number"]: t["parent"] for t in supervisors.json()["items"]} == {
        parent.number: None,
        child.number: parent.number,
    }
