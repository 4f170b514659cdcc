"""Ticket list exports (service and job): the rows their owner may see, exactly, in .xlsx and CSV;
filters, progress, audit, failure, expiry, and refusals (422)."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.utils import timezone, translation

from gongdan.audit.models import AuditEvent
from gongdan.core.errors import ValidationFailed
from gongdan.reports import export_jobs
from gongdan.reports.export_jobs import export_purge
from gongdan.reports.models import Export
from gongdan.reports.services import export_create
from gongdan.testing import World
from gongdan.tickets.models import Ticket

pytestmark = pytest.mark.django_db
COLUMNS = ["number", "title", "priority", "team", "organization"]
HEADER = ["Number", "Title", "Priority", "Team", "Organization"]


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """``run(user, **kwargs)``: create an export and run its job (Huey is immediate in tests)."""

    def go(user: Any, **kwargs: Any) -> Export:
        kwargs.setdefault("format", "xlsx")
        with django_capture_on_commit_callbacks(execute=True):
            export = export_create(actor=user, **kwargs)
        export.refresh_from_db()
        return export

    return go


def xlsx_rows(export: Export) -> list[list[Any]]:
    with export.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def file_bytes(export: Export) -> bytes:
    with export.file.open("rb") as handle:
        return bytes(handle.read())


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def tickets(world: World) -> dict[str, Ticket]:
    it = world.ticket(title="打印机卡纸 Printer jam", priority="high")
    other = world.ticket(by=world.other_customer, title="环球的工单", ticket_type=world.repair)
    field = world.ticket(title="现场维修 On site", ticket_type=world.repair)
    return {"it": it, "other": other, "field": field}


def row(ticket: Ticket, title: str, priority: str, team: str, org: str) -> list[str]:
    return [ticket.number, title, priority, team, org]


def all_rows(t: dict[str, Ticket]) -> list[list[str]]:
    return [
        row(t["it"], "打印机卡纸 Printer jam", "High", "IT 运维 IT Ops", "艾克米 Acme"),
        row(t["other"], "环球的工单", "Normal", "现场服务 Field Service", "环球 Globex"),
        row(t["field"], "现场维修 On site", "Normal", "现场服务 Field Service", "艾克米 Acme"),
    ]


def test_an_admin_exports_every_ticket_to_xlsx(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    export = run(world.admin, columns=COLUMNS, filters={"sort": "created"})
    assert (export.status, export.rows_done, export.rows_total) == ("done", 3, 3)
    assert xlsx_rows(export) == [
        ["Number", "Title", "Priority", "Team", "Organization"],
        *all_rows(tickets),
    ]
    assert export.name.endswith(".xlsx") and export.size == len(file_bytes(export))
    assert len(export.sha256) == 64 and export.finished_at is not None
    assert export.expires_at - export.created_at == timedelta(days=7)


def test_the_default_columns_are_the_lists_and_dates_are_real_dates(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    export = run(world.admin, filters={"number": tickets["it"].number})
    header, values = xlsx_rows(export)
    assert header == [
        "Number",
        "Title",
        "Type",
        "Category",
        "Tags",
        "Status",
        "Priority",
        "SLA due",
        "Requester",
        "Organization",
        "Team",
        "Assignee",
        "Updated",
    ]
    it = tickets["it"]
    updated = timezone.localtime(it.updated_at).replace(tzinfo=None, second=0, microsecond=0)
    assert values[:7] == [
        it.number,
        "打印机卡纸 Printer jam",
        "Incident",
        None,
        None,
        "New",
        "High",
    ]
    assert values[8:12] == ["customer", "艾克米 Acme", "IT 运维 IT Ops", None]
    assert values[12].replace(second=0, microsecond=0) == updated


def test_csv_is_utf8_with_a_bom_and_chinese_text_intact(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    export = run(world.admin, format="csv", columns=COLUMNS, filters={"sort": "created"})
    content = file_bytes(export)
    assert content.startswith(codecs.BOM_UTF8)
    assert csv_rows(content) == [
        ["Number", "Title", "Priority", "Team", "Organization"],
        *all_rows(tickets),
    ]
    assert export.name.endswith(".csv") and export.content_type == "text/csv; charset=utf-8"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_in_csv(
    world: World, run: Any
) -> None:
    ticket = world.ticket(title='=HYPERLINK("http://x","点我")')
    export = run(world.admin, format="csv", columns=["number", "title"])
    assert csv_rows(file_bytes(export))[1] == [ticket.number, '\'=HYPERLINK("http://x","点我")']


def test_labels_follow_the_language_the_export_was_asked_in(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    with translation.override("zh-hans"):
        export = run(world.admin, columns=["number", "priority"], filters={"priority": ["high"]})
    assert xlsx_rows(export) == [["工单编号", "优先级"], [tickets["it"].number, "高"]]
    assert export.name.startswith("工单-")


def test_the_filters_are_the_ticket_lists(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    by_priority = run(world.admin, columns=["number"], filters={"priority": ["high"]})
    by_team = run(
        world.admin,
        columns=["number"],
        filters={"team": world.field_team.pk, "organization": world.acme.pk},
    )
    by_text = run(world.admin, columns=["number"], filters={"number": tickets["other"].number})
    assert xlsx_rows(by_priority)[1:] == [[tickets["it"].number]]
    assert xlsx_rows(by_team)[1:] == [[tickets["field"].number]]
    assert xlsx_rows(by_text)[1:] == [[tickets["other"].number]]
    assert by_team.params["filters"] == {"team": world.field_team.pk, "organization": world.acme.pk}


def test_an_agent_of_another_team_exports_only_the_tickets_they_may_see(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    export = run(world.other_agent, columns=["number"], filters={"view": "all", "sort": "created"})
    assert xlsx_rows(export)[1:] == [[tickets["other"].number], [tickets["field"].number]]
    mine = run(world.agent, columns=["number"], filters={"view": "all"})
    assert xlsx_rows(mine)[1:] == [[tickets["it"].number]]


def test_a_customer_exports_only_their_own_tickets(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    export = run(world.other_customer, columns=["number", "title"])
    assert xlsx_rows(export)[1:] == [[tickets["other"].number, "环球的工单"]]
    org = run(world.org_admin, columns=["number"], filters={"sort": "created"})
    assert xlsx_rows(org)[1:] == [[tickets["it"].number], [tickets["field"].number]]


def test_the_export_is_audited_who_what_filters_how_many_rows(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    export = run(world.agent, format="csv", columns=["number"], filters={"priority": ["high"]})
    events = AuditEvent.objects.filter(object_type="reports.Export", object_id=str(export.pk))
    assert [(e.action, e.actor_id, e.data) for e in events.order_by("id")] == [
        (
            "export.requested",
            world.agent.pk,
            {
                "kind": "tickets",
                "format": "csv",
                "filters": {"priority": ["high"]},
                "columns": ["number"],
            },
        ),
        (
            "export.completed",
            world.agent.pk,
            {"rows": 1, "size": export.size, "sha256": export.sha256},
        ),
    ]


def test_progress_is_written_every_n_rows_and_reaches_the_total(
    world: World, tickets: dict[str, Ticket], run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    update = export_jobs.Export.objects.filter

    def spy(*args: Any, **kwargs: Any) -> Any:
        qs = update(*args, **kwargs)
        real = qs.update

        def recording(**values: Any) -> int:
            if "rows_done" in values:
                seen.append(values["rows_done"])
            return real(**values)

        qs.update = recording
        return qs

    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(export_jobs.Export.objects, "filter", spy)
    export = run(world.admin, columns=["number"])
    assert seen == [2]
    assert (export.rows_done, export.rows_total, export.percent) == (3, 3, 100)


def test_a_failing_job_is_recorded_on_the_export_and_audited(
    world: World, tickets: dict[str, Ticket], run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_jobs, "ticket_list", broken)
    export = run(world.admin)
    assert (export.status, export.error, bool(export.file)) == (
        "failed",
        "RuntimeError: disk full",
        False,
    )
    assert export.finished_at is not None
    event = AuditEvent.objects.get(action="export.failed", object_id=str(export.pk))
    assert event.data == {"rows": 0, "error": "RuntimeError: disk full"}


def test_a_job_runs_once(world: World, tickets: dict[str, Ticket], run: Any) -> None:
    export = run(world.admin, columns=["number"])
    assert export_jobs.export_run(export.pk) is None  # already done: not claimed again
    assert (
        AuditEvent.objects.filter(action="export.completed", object_id=str(export.pk)).count() == 1
    )


def test_an_owner_deactivated_before_the_job_runs_gets_nothing(
    world: World, tickets: dict[str, Ticket], django_capture_on_commit_callbacks: Any
) -> None:
    export = export_create(actor=world.agent, format="xlsx")  # the job is not run yet
    world.agent.is_active = False
    world.agent.save(update_fields=["is_active"])
    done = export_jobs.export_run(export.pk)
    assert done is not None and (done.status, done.rows_done, bool(done.file)) == (
        "failed",
        0,
        False,
    )


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"format": "pdf"}, "export.unknown_format", "format"),
        ({"format": "xlsx", "filters": {"colour": "red"}}, "export.unknown_filter", "colour"),
        ({"format": "xlsx", "filters": {"cursor": "x"}}, "export.unknown_filter", "cursor"),
        ({"format": "xlsx", "filters": {"status": ["nope"]}}, "export.invalid_filter", "status"),
        ({"format": "xlsx", "filters": {"team": "abc"}}, "export.invalid_filter", "team"),
        ({"format": "xlsx", "filters": {"sort": "title"}}, "export.invalid_filter", "sort"),
        ({"format": "xlsx", "columns": ["number", "secret"]}, "export.unknown_column", "columns"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    world: World, kwargs: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        export_create(actor=world.agent, **kwargs)
    assert (refused.value.code, field in refused.value.fields) == (code, True)
    assert Export.objects.count() == 0
    assert not AuditEvent.objects.filter(action="export.requested").exists()


def test_at_most_three_exports_run_at_once_per_user(world: World) -> None:
    for _ in range(3):
        export_create(actor=world.agent, format="csv")  # queued, never run (no commit)
    with pytest.raises(ValidationFailed) as refused:
        export_create(actor=world.agent, format="csv")
    assert refused.value.code == "export.too_many"
    export_create(actor=world.other_agent, format="csv")  # another user is not held up


def test_expired_exports_are_deleted_with_their_files(
    world: World, tickets: dict[str, Ticket], run: Any
) -> None:
    old, kept = run(world.admin), run(world.admin)
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    Export.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert export_purge() == 1
    assert not storage.exists(name)
    assert list(Export.objects.values_list("pk", flat=True)) == [kept.pk]


def test_tags_assignee_type_and_category_cells(world: World, run: Any) -> None:
    tagged = world.ticket(
        by=world.agent,
        title="带标签",
        tags=["vpn", "紧急"],
        assignee=world.agent,
        category=world.printer,
    )
    plain = world.ticket(by=world.agent, title="无标签", ticket_type=world.repair)
    columns = ["number", "ticket_type", "category", "tags", "assignee", "channel"]
    export = run(world.admin, columns=columns, filters={"sort": "created"})
    assert xlsx_rows(export)[1:] == [
        [tagged.number, "Incident", "Printer", "vpn, 紧急", "agent", "Workspace"],
        [plain.number, "Field repair", None, None, None, "Workspace"],
    ]
    with translation.override("zh-hans"):
        zh = run(world.admin, columns=columns, filters={"sort": "created"})
    assert xlsx_rows(zh)[1][1:4] == ["故障", "打印机", "vpn, 紧急"]
