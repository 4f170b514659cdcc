"""/api/v1: tickets_export (202 with the job), exports_get, exports_list, exports_download;
outsiders get 404; bad input 422 with a code."""

from __future__ import annotations

import codecs
import io
from typing import Any

import openpyxl
import pytest

from gongdan.audit.models import AuditEvent
from gongdan.reports.models import Export
from gongdan.testing import Api, World
from gongdan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(world: World) -> dict[str, Ticket]:
    return {
        "it": world.ticket(title="打印机卡纸", priority="high"),
        "field": world.ticket(title="现场维修", ticket_type=world.repair),
    }


def start(api: Api, user: Any, capture: Any, body: dict[str, Any]) -> Any:
    with capture(execute=True):
        return api.as_(user).post("/tickets/export", body)


def test_an_agent_exports_the_list_and_downloads_the_file(
    api: Api, world: World, tickets: dict[str, Ticket], django_capture_on_commit_callbacks: Any
) -> None:
    answer = start(
        api,
        world.agent,
        django_capture_on_commit_callbacks,
        {"format": "xlsx", "view": "all", "priority": ["high"], "columns": ["number", "title"]},
    )
    assert answer.status_code == 202, answer.content
    job = answer.json()
    assert (job["status"], job["filters"], job["columns"]) == (
        "queued",
        {"view": "all", "priority": ["high"]},
        ["number", "title"],
    )
    got = api.as_(world.agent).get(f"/exports/{job['id']}").json()
    assert (got["status"], got["rows_done"], got["rows_total"], got["percent"]) == (
        "done",
        1,
        1,
        100,
    )
    assert got["download_url"] == f"/api/v1/exports/{job['id']}/download"
    file = api.as_(world.agent).get(f"/exports/{job['id']}/download")
    assert file.status_code == 200
    assert file["Content-Type"] == Export.objects.get().content_type
    assert "attachment" in file["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content)), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows == [["Number", "Title"], [tickets["it"].number, "打印机卡纸"]]
    assert (
        AuditEvent.objects.filter(action="export.downloaded", actor_id=world.agent.pk).count() == 1
    )
    listed = api.as_(world.agent).get("/exports").json()
    assert [e["id"] for e in listed] == [job["id"]]


def test_a_customer_exports_their_own_tickets_as_csv(
    api: Api, world: World, tickets: dict[str, Ticket], django_capture_on_commit_callbacks: Any
) -> None:
    other = world.ticket(by=world.other_customer, title="环球的工单")
    answer = start(api, world.other_customer, django_capture_on_commit_callbacks, {"format": "csv"})
    file = api.as_(world.other_customer).get(f"/exports/{answer.json()['id']}/download")
    content = b"".join(file.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    lines = content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{other.number},环球的工单,")


@pytest.mark.parametrize("outsider", ["other_agent", "customer", "admin", "supervisor"])
def test_nobody_else_can_see_or_download_an_export(
    api: Api,
    world: World,
    tickets: dict[str, Ticket],
    django_capture_on_commit_callbacks: Any,
    outsider: str,
) -> None:
    job = start(api, world.agent, django_capture_on_commit_callbacks, {"format": "csv"}).json()
    caller = api.as_(getattr(world, outsider))
    for path in (f"/exports/{job['id']}", f"/exports/{job['id']}/download"):
        answer = caller.get(path)
        assert (answer.status_code, answer.json()["code"]) == (404, "export.not_found")
    assert caller.get("/exports").json() == []
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_anonymous_callers_are_refused(api: Api) -> None:
    assert api.as_(None).post("/tickets/export", {"format": "csv"}).status_code == 401
    assert api.as_(None).get("/exports/1").status_code == 401


def test_a_running_export_has_no_download_yet(api: Api, world: World) -> None:
    job = api.as_(world.agent).post("/tickets/export", {"format": "csv"}).json()  # not run
    got = api.as_(world.agent).get(f"/exports/{job['id']}").json()
    assert (got["status"], got["download_url"], got["percent"]) == ("queued", None, 0)
    answer = api.as_(world.agent).get(f"/exports/{job['id']}/download")
    assert (answer.status_code, answer.json()["code"]) == (404, "export.not_ready")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"format": "pdf"}, "validation_error", "format"),
        ({"format": "xlsx", "colour": "red"}, "validation_error", "colour"),
        ({"format": "xlsx", "status": ["nope"]}, "validation_error", "status.0"),
        ({"format": "xlsx", "assignee": "someone"}, "validation_error", "assignee"),
        ({"format": "xlsx", "columns": ["secret"]}, "export.unknown_column", "columns"),
    ],
)
def test_bad_input_is_a_422_with_a_code(
    api: Api, world: World, body: dict[str, Any], code: str, field: str
) -> None:
    answer = api.as_(world.agent).post("/tickets/export", body)
    assert answer.status_code == 422
    assert (answer.json()["code"], field in answer.json()["fields"]) == (code, True)
    assert Export.objects.count() == 0


def test_an_unknown_export_id_is_a_404(api: Api, world: World) -> None:
    for pk in ("999999", "0", "-1", str(2**70)):
        answer = api.as_(world.agent).get(f"/exports/{pk}")
        assert (answer.status_code, answer.json()["code"]) == (404, "export.not_found"), pk


def test_tickets_export_takes_every_tickets_list_filter() -> None:
    # A drill-down lands on the list with any tickets_list filter (resolved_from, sla, ...);
    # exporting that list must accept each of them.
    from gongdan.reports.exports import FILTER_NAMES
    from gongdan.reports.schemas_exports import TicketExportIn

    assert set(TicketExportIn.model_fields) - {"format", "columns"} == set(FILTER_NAMES)


def test_an_export_of_a_drill_down_keeps_its_filters(
    api: Api, world: World, tickets: dict[str, Ticket], django_capture_on_commit_callbacks: Any
) -> None:
    answer = start(
        api,
        world.agent,
        django_capture_on_commit_callbacks,
        {"format": "csv", "view": "all", "sla": "breached", "reopened": True},
    )
    assert answer.status_code == 202, answer.content
    job = api.as_(world.agent).get(f"/exports/{answer.json()['id']}").json()
    assert (job["filters"], job["status"], job["rows_total"]) == (
        {"view": "all", "sla": "breached", "reopened": True},
        "done",
        0,
    )
