"""Writing a ticket list to a file, row by row in constant memory: .xlsx or CSV (UTF-8, BOM).

The columns are the ticket list's (``DEFAULT_COLUMNS``, in its order) plus a few more a caller may
ask for by key. Rows come from an iterator over ``tickets.selectors.ticket_list`` (visibility
first); the xlsx workbook is xlsxwriter's ``constant_memory`` mode (each row is flushed to disk
once the next one starts), the CSV a text file written as it goes: neither holds the list.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from gongdan.core.errors import ValidationFailed
from gongdan.tickets.models import Ticket
from gongdan.tickets.schemas import TicketListQuery
from gongdan.tickets.selectors import LIST_COLUMNS, TicketFilters


def _local(value: datetime | None) -> datetime | None:
    """A naive local time (what a spreadsheet cell holds), or None."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


@dataclass(frozen=True)
class TicketColumn:
    key: str
    label: str | Promise
    value: Callable[[Ticket], Any]
    width: int = 14


COLUMNS: dict[str, TicketColumn] = {
    c.key: c
    for c in [
        TicketColumn("number", _("Number"), lambda t: t.number, 16),
        TicketColumn("title", _("Title"), lambda t: t.title, 48),
        TicketColumn("ticket_type", _("Type"), lambda t: t.ticket_type.label, 14),
        TicketColumn(
            "category", _("Category"), lambda t: t.category.label if t.category else "", 16
        ),
        TicketColumn("tags", _("Tags"), lambda t: ", ".join(x.name for x in t.tags.all()), 16),
        TicketColumn("status", _("Status"), lambda t: str(t.get_status_display()), 10),
        TicketColumn("priority", _("Priority"), lambda t: str(t.get_priority_display()), 10),
        TicketColumn("sla_due_at", _("SLA due"), lambda t: _local(t.sla_due_at), 17),
        TicketColumn("sla_breached_at", _("SLA breached"), lambda t: _local(t.sla_breached_at), 17),
        TicketColumn("requester", _("Requester"), lambda t: t.requester.name, 16),
        TicketColumn(
            "organization",
            _("Organization"),
            lambda t: t.organization.name if t.organization else "",
            20,
        ),
        TicketColumn("team", _("Team"), lambda t: t.team.name if t.team else "", 14),
        TicketColumn("assignee", _("Assignee"), lambda t: str(t.assignee or ""), 14),
        TicketColumn("channel", _("Channel"), lambda t: str(t.get_channel_display()), 10),
        TicketColumn("created_at", _("Created"), lambda t: _local(t.created_at), 17),
        TicketColumn("updated_at", _("Updated"), lambda t: _local(t.updated_at), 17),
        TicketColumn("resolved_at", _("Resolved"), lambda t: _local(t.resolved_at), 17),
        TicketColumn("closed_at", _("Closed"), lambda t: _local(t.closed_at), 17),
    ]
}
#: The columns of the workspace's ticket list, in its order.
DEFAULT_COLUMNS = LIST_COLUMNS
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def ticket_rows(tickets: Iterable[Ticket], columns: list[TicketColumn]) -> Iterator[list[Any]]:
    for ticket in tickets:
        yield [column.value(ticket) for column in columns]


class XlsxWriter:
    """One sheet written row by row in constant memory; dates as real Excel dates."""

    def __init__(self, path: Path, columns: list[TicketColumn], sheet: str) -> None:
        self.book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "tmpdir": str(path.parent)}
        )
        self.sheet = self.book.add_worksheet(sheet[:31])
        bold = self.book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        self.date = self.book.add_format({"num_format": DATE_FORMAT})
        for i, column in enumerate(columns):
            self.sheet.set_column(i, i, column.width)
        self.sheet.write_row(0, 0, [str(c.label) for c in columns], bold)
        self.sheet.freeze_panes(1, 0)
        self.columns = len(columns)
        self.row = 1

    def write(self, values: list[Any]) -> None:
        for col, value in enumerate(values):
            if isinstance(value, datetime):
                self.sheet.write_datetime(self.row, col, value, self.date)
            elif value is None or value == "":
                continue
            else:
                self.sheet.write_string(self.row, col, str(value))
        self.row += 1

    def close(self) -> None:
        if self.row > 1:
            self.sheet.autofilter(0, 0, self.row - 1, self.columns - 1)
        self.book.close()


class CsvWriter:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""

    def __init__(self, path: Path, columns: list[TicketColumn], sheet: str) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.handle)
        self.csv.writerow([str(c.label) for c in columns])

    def write(self, values: list[Any]) -> None:
        self.csv.writerow([_csv_cell(v) for v in values])

    def close(self) -> None:
        self.handle.close()


def _csv_cell(value: Any) -> str:
    """A cell as text; one that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    text = str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WRITERS: dict[str, type[XlsxWriter] | type[CsvWriter]] = {"xlsx": XlsxWriter, "csv": CsvWriter}


# --- what may be asked for -----------------------------------------------------------------------
#: ``tickets_list`` parameters an export takes (its paging parameters are not filters).
FILTER_NAMES = tuple(n for n in TicketListQuery.model_fields if n not in ("cursor", "size"))


def clean_ticket_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """The filters as ``tickets_list`` reads them, JSON-able, without the defaults; an unknown
    name is 422 ``export.unknown_filter``, a value it would refuse 422 ``export.invalid_filter``."""
    filters = dict(filters or {})
    unknown = sorted(set(filters) - set(FILTER_NAMES))
    if unknown:
        raise ValidationFailed(
            "export.unknown_filter",
            _("Unknown filter “%(name)s”.") % {"name": unknown[0][:40]},
            fields={
                name[:40]: _("Choose one of: %(names)s.") % {"names": ", ".join(FILTER_NAMES)}
                for name in unknown
            },
        )
    try:
        query = TicketListQuery.model_validate(filters)
    except PydanticError as exc:
        fields = {str(e["loc"][0]): gettext("Invalid value.") for e in exc.errors() if e["loc"]}
        raise ValidationFailed(
            "export.invalid_filter",
            _("A filter has a value the ticket list refuses."),
            fields=fields,
        ) from exc
    return query.model_dump(mode="json", exclude={"cursor", "size"}, exclude_defaults=True)


def ticket_filters(cleaned: Mapping[str, Any]) -> TicketFilters:
    """The selector's filters from :func:`clean_ticket_filters`' output (as the API does)."""
    params = TicketListQuery.model_validate(dict(cleaned)).model_dump(exclude={"cursor", "size"})
    params["status"] = [str(s) for s in params["status"]]
    params["priority"] = [str(p) for p in params["priority"]]
    return TicketFilters(**params | {"channel": params["channel"] or ""})


def clean_columns(columns: Sequence[str] | None) -> list[str]:
    """Column keys in the order given (the list's columns when none); unknown: 422."""
    keys = list(dict.fromkeys(columns or DEFAULT_COLUMNS))
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise ValidationFailed(
            "export.unknown_column",
            _("Unknown column “%(name)s”.") % {"name": str(unknown[0])[:40]},
            fields={"columns": _("Choose from: %(names)s.") % {"names": ", ".join(COLUMNS)}},
        )
    return keys
