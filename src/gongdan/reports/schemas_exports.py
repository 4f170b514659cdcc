"""API shapes of the reports app's exports: a ticket-list export job and a report file."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from gongdan.core.api_support import InputSchema
from gongdan.reports.exports import COLUMNS
from gongdan.reports.models import Export
from gongdan.tickets.schemas import TicketFilterFields


class TicketExportIn(InputSchema, TicketFilterFields):
    """An export of ``tickets_list``: the same filter names and values, plus the file format
    and the columns (the list's when empty). An unknown field is a 422."""

    format: Literal["xlsx", "csv"] = "xlsx"
    columns: list[str] = Field(
        default_factory=list, max_length=len(COLUMNS), description=", ".join(COLUMNS)
    )


class ExportOut(Schema):
    """An export job: its progress, and once ``done`` the ``download_url`` of its file."""

    id: int
    kind: str
    format: str
    status: str
    rows_done: int
    rows_total: int | None
    percent: int
    name: str
    size: int
    filters: dict[str, object]
    columns: list[str]
    error: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime
    download_url: str | None

    @staticmethod
    def resolve_filters(obj: Export) -> dict[str, object]:
        return dict(obj.params.get("filters") or {})

    @staticmethod
    def resolve_columns(obj: Export) -> list[str]:
        return list(obj.params.get("columns") or [])

    @staticmethod
    def resolve_download_url(obj: Export) -> str | None:
        if obj.status != Export.State.DONE:
            return None
        return reverse("api:exports_download", kwargs={"export_id": obj.pk})


class ReportExportQuery(Schema):
    """A report file: its name, period (``custom`` takes ``start`` and ``end``), filters (the
    ``tickets_list`` names) and format."""

    name: str = Field(default="overview", max_length=40)
    period: str = Field(default="30d", max_length=20)
    start: date | None = None
    end: date | None = None
    format: Literal["xlsx", "pdf"] = "xlsx"
    team: int | None = None
    assignee: int | None = None
    ticket_type: int | None = None
    category: int | None = None
    channel: str = Field(default="", max_length=20)
    organization: int | None = None
    priority: str = Field(default="", max_length=20)
