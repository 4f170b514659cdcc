"""An organization admin's service figures on the portal: their organization only; nobody else."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gongdan.accounts.access import workspace_url
from gongdan.jobs.outbox import dispatch_outbox
from gongdan.testing import World
from tests.portal.conftest import resolved_ticket

URL = "/portal/reports/"


def _figure(html: str, key: str) -> str:
    match = re.search(rf'data-stat="{key}">.*?<div class="fs-4 fw-semibold">([^<]*)<', html, re.S)
    assert match is not None, key
    return match.group(1)


@pytest.fixture
def tickets(world: World) -> None:
    resolved_ticket(world)  # acme
    world.ticket(title="still open")  # acme
    world.ticket(by=world.other_customer, title="globex")
    dispatch_outbox(max_batches=100)


def test_an_org_admin_sees_their_organizations_figures(world: World, tickets: None) -> None:
    response = world.client_for(world.org_admin).get(URL, {"period": "30d"})

    html = response.content.decode()
    assert response.status_code == 200
    assert (_figure(html, "created"), _figure(html, "resolved"), _figure(html, "backlog")) == (
        "2",
        "1",
        "1",
    )
    assert "/desk/tickets/" not in html  # no staff drill-downs
    assert 'data-stat="cost"' not in html  # staff-internal figures stay internal


def test_the_page_speaks_to_the_customer_in_chinese(world: World, tickets: None) -> None:
    client = world.client_for(world.org_admin)

    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "您所在组织的服务数据" in html


def test_a_bad_period_is_refused_with_a_message(world: World) -> None:
    response = world.client_for(world.org_admin).get(URL, {"period": "fortnight"})

    assert response.status_code == 422
    assert "Unknown period “fortnight”." in response.content.decode()


def test_other_customers_get_403(world: World, tickets: None) -> None:
    for customer in (world.customer, world.other_customer):
        assert world.client_for(customer).get(URL).status_code == 403


def test_staff_go_to_their_workspace_and_visitors_sign_in(world: World) -> None:
    staff = world.client_for(world.supervisor).get(URL)
    visitor = Client().get(URL)

    assert (staff.status_code, staff["Location"]) == (302, workspace_url())
    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/portal/login/")


def test_the_org_admins_ticket_list_links_to_the_figures(world: World) -> None:
    org_admin = world.client_for(world.org_admin).get("/portal/tickets/").content.decode()
    customer = world.client_for(world.customer).get("/portal/tickets/").content.decode()

    assert f'href="{URL}"' in org_admin
    assert f'href="{URL}"' not in customer
