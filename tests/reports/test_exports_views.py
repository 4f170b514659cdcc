"""/desk/exports/ and the ticket list's Export menu: start an export of the list as shown, see it
(polling while it runs), download it; outsiders get 403/404."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongdan.reports.models import Export
from gongdan.reports.services import export_create
from gongdan.testing import World
from gongdan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(world: World) -> dict[str, Ticket]:
    return {
        "high": world.ticket(title="打印机卡纸", priority="high"),
        "normal": world.ticket(title="邮箱满了"),
    }


def post_export(client: Any, capture: Any, query: dict[str, Any], fmt: str = "xlsx") -> Any:
    with capture(execute=True):
        return client.post(
            "/desk/exports/tickets/", {"query": urlencode(query, doseq=True), "format": fmt}
        )


def test_the_ticket_list_offers_the_export_menu_with_its_query(
    world: World, tickets: dict[str, Ticket]
) -> None:
    page = world.client_for(world.agent).get("/desk/tickets/?view=all&priority=high")
    html = page.content.decode()
    assert 'action="/desk/exports/tickets/"' in html
    assert 'name="query" value="view=all&amp;priority=high"' in html
    assert 'value="xlsx" data-testid="export-xlsx"' in html
    assert 'value="csv" data-testid="export-csv"' in html
    export_form = html[html.index('action="/desk/exports/tickets/"') :]
    assert export_form.count('<input type="hidden" name="columns"') == 13


def test_an_agent_exports_the_filtered_list_and_downloads_it(
    world: World, tickets: dict[str, Ticket], django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for(world.agent)
    answer = post_export(
        client, django_capture_on_commit_callbacks, {"view": "all", "priority": "high"}
    )
    assert (answer.status_code, answer["Location"]) == (302, "/desk/exports/")
    export = Export.objects.get()
    assert export.params["filters"] == {"view": "all", "priority": ["high"]}
    assert export.params["columns"][:2] == ["number", "title"]
    page = client.get("/desk/exports/").content.decode()
    assert f'href="/desk/exports/{export.pk}/download/"' in page
    assert "view=all" in page and 'data-status="done"' in page
    file = client.get(f"/desk/exports/{export.pk}/download/")
    assert file.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == [(tickets["high"].number, "打印机卡纸")]


def test_without_a_view_the_export_is_of_my_open_tickets_as_the_list_shows(
    world: World, tickets: dict[str, Ticket], django_capture_on_commit_callbacks: Any
) -> None:
    post_export(world.client_for(world.agent), django_capture_on_commit_callbacks, {}, "csv")
    export = Export.objects.get()
    assert (export.params["filters"], export.rows_total) == ({"view": "mine"}, 0)


def test_a_bad_format_goes_back_to_the_list_with_the_message(
    world: World, tickets: dict[str, Ticket], django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for(world.agent)
    answer = post_export(client, django_capture_on_commit_callbacks, {"view": "all"}, "doc")
    assert (answer.status_code, answer["Location"]) == (302, "/desk/tickets/?view=all")
    assert "Unknown export format" in client.get(answer["Location"]).content.decode()
    assert Export.objects.count() == 0


def test_a_running_export_polls_its_row(world: World, tickets: dict[str, Ticket]) -> None:
    export = export_create(actor=world.agent, format="xlsx")  # queued: the job has not run
    client = world.client_for(world.agent)
    page = client.get("/desk/exports/").content.decode()
    assert f'hx-get="/desk/exports/{export.pk}/" hx-trigger="every 2s"' in page
    Export.objects.filter(pk=export.pk).update(status="running", rows_done=1, rows_total=4)
    row = client.get(f"/desk/exports/{export.pk}/", headers={"HX-Request": "true"})
    html = row.content.decode()
    assert html.strip().startswith(f'<tr id="export-{export.pk}" data-status="running"')
    assert 'value="25"' in html and "1 / 4" in html
    assert client.get(f"/desk/exports/{export.pk}/download/").status_code == 404
    Export.objects.filter(pk=export.pk).update(status="failed", error="RuntimeError: boom")
    failed = client.get(f"/desk/exports/{export.pk}/", headers={"HX-Request": "true"})
    assert "hx-trigger" not in failed.content.decode()
    assert "RuntimeError: boom" in failed.content.decode()


@pytest.mark.parametrize("outsider", ["other_agent", "supervisor", "admin"])
def test_other_staff_cannot_see_or_download_my_export(
    world: World,
    tickets: dict[str, Ticket],
    django_capture_on_commit_callbacks: Any,
    outsider: str,
) -> None:
    post_export(world.client_for(world.agent), django_capture_on_commit_callbacks, {"view": "all"})
    export = Export.objects.get()
    client = world.client_for(getattr(world, outsider))
    assert client.get(f"/desk/exports/{export.pk}/download/").status_code == 404
    assert (
        client.get(f"/desk/exports/{export.pk}/", headers={"HX-Request": "true"}).status_code == 404
    )
    assert f"/desk/exports/{export.pk}/" not in client.get("/desk/exports/").content.decode()


def test_customers_and_visitors_are_kept_out(world: World) -> None:
    customer = world.client_for(world.customer)
    assert customer.get("/desk/exports/").status_code == 403
    assert customer.post("/desk/exports/tickets/", {"format": "csv"}).status_code == 403
    anonymous = world.client_for(world.agent)
    anonymous.logout()
    answer = anonymous.get("/desk/exports/")
    assert (answer.status_code, answer["Location"]) == (302, "/accounts/login/?next=/desk/exports/")
    assert Export.objects.count() == 0


def test_the_list_costs_the_same_queries_for_one_export_or_many(
    world: World, django_assert_num_queries: Any
) -> None:
    client = world.client_for(world.agent)
    export_create(actor=world.agent, format="csv")
    client.get("/desk/exports/")  # warm the session and the per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/desk/exports/").status_code == 200
        return len(captured)

    one = count()
    for _ in range(5):
        Export.objects.filter(owner=world.agent).update(status="done")
        export_create(actor=world.agent, format="xlsx")
    with django_assert_num_queries(one):
        client.get("/desk/exports/")
