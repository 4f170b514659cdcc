"""Writing a ticket list to a file, row by row in constant memory: .xlsx or CSV (UTF-8, BOM).

The columns are the ticket list's (``DEFAULT_COLUMNS``, in its order) plus a few more a caller may
ask for by key. Rows come from ``tickets.selectors.ticket_list`` (visibility first), read as plain
values in chunks; the xlsx workbook is xlsxwriter's ``constant_memory`` mode (each row is flushed
to disk once the next one starts), the CSV a text file written as it goes: neither holds the list.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import batched
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from gongdan.accounts.models import User
from gongdan.core.errors import ValidationFailed
from gongdan.tickets.models import Ticket
from gongdan.tickets.schemas import TicketFilterFields
from gongdan.tickets.selectors import LIST_COLUMNS, TicketFilters


def _local(value: datetime | None) -> datetime | None:
    """A naive local time (what a spreadsheet cell holds), or None."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _choices(name: str) -> dict[str, str]:
    field = Ticket._meta.get_field(name)
    return {value: str(label) for value, label in getattr(field, "flatchoices", [])}


class Labels:
    """Display texts looked up once per export, not once per row: choice labels, the names of
    assignees (few) by id, and the tags of the rows being written (one query per chunk)."""

    def __init__(self) -> None:
        self.english = translation.get_language() == "en"  # as ``BilingualName.label``
        self.choices = {name: _choices(name) for name in ("status", "priority", "channel")}
        self.users: dict[int, str] = {}
        self.tags: dict[int, str] = {}

    def choice(self, field: str, value: str) -> str:
        return self.choices[field].get(value, value)

    def bilingual(self, name: str | None, name_en: str | None) -> str:
        return (name_en if self.english and name_en else name) or ""

    def user(self, pk: int | None) -> str:
        if pk is None:
            return ""
        if pk not in self.users:
            found = User.objects.filter(pk=pk).first()
            self.users[pk] = str(found) if found is not None else ""
        return self.users[pk]

    def load_tags(self, ids: list[int]) -> None:
        """The tags of tickets ``ids`` (sorted, comma-separated), in place of the last chunk's."""
        through = Ticket.tags.through.objects.filter(ticket_id__in=ids)
        found: dict[int, list[str]] = {}
        for ticket_id, name in through.values_list("ticket_id", "tag__name"):
            found.setdefault(ticket_id, []).append(name)
        self.tags = {pk: ", ".join(sorted(names)) for pk, names in found.items()}


Row = dict[str, Any]


@dataclass(frozen=True)
class TicketColumn:
    """A column: its header, the ticket fields it reads (``values()`` names) and its cell."""

    key: str
    label: str | Promise
    fields: tuple[str, ...]
    value: Callable[[Row, Labels], Any]
    width: int = 14


def _col(key: str, label: str | Promise, field: str, width: int) -> TicketColumn:
    return TicketColumn(key, label, (field,), lambda r, lb: r[field], width)


def _when(key: str, label: str | Promise, field: str) -> TicketColumn:
    return TicketColumn(key, label, (field,), lambda r, lb: _local(r[field]), 17)


def _choice(key: str, label: str | Promise, width: int) -> TicketColumn:
    return TicketColumn(key, label, (key,), lambda r, lb: lb.choice(key, r[key]), width)


def _bilingual(key: str, label: str | Promise, width: int) -> TicketColumn:
    fields = (f"{key}__name", f"{key}__name_en")
    return TicketColumn(
        key, label, fields, lambda r, lb: lb.bilingual(*(r[f] for f in fields)), width
    )


COLUMNS: dict[str, TicketColumn] = {
    c.key: c
    for c in [
        _col("number", _("Number"), "number", 16),
        _col("title", _("Title"), "title", 48),
        _bilingual("ticket_type", _("Type"), 14),
        _bilingual("category", _("Category"), 16),
        TicketColumn("tags", _("Tags"), ("id",), lambda r, lb: lb.tags.get(r["id"], ""), 16),
        _choice("status", _("Status"), 10),
        _choice("priority", _("Priority"), 10),
        _when("sla_due_at", _("SLA due"), "sla_due_at"),
        _when("sla_breached_at", _("SLA breached"), "sla_breached_at"),
        _col("requester", _("Requester"), "requester__name", 16),
        _col("organization", _("Organization"), "organization__name", 20),
        _col("team", _("Team"), "team__name", 14),
        TicketColumn(
            "assignee", _("Assignee"), ("assignee_id",), lambda r, lb: lb.user(r["assignee_id"]), 14
        ),
        _choice("channel", _("Channel"), 10),
        _when("created_at", _("Created"), "created_at"),
        _when("updated_at", _("Updated"), "updated_at"),
        _when("resolved_at", _("Resolved"), "resolved_at"),
        _when("closed_at", _("Closed"), "closed_at"),
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


def ticket_rows(
    tickets: QuerySet[Ticket], columns: list[TicketColumn], *, chunk_size: int = 2000
) -> Iterator[list[Any]]:
    """Each ticket's cells, in the columns' order. The rows are read as plain values (the
    names of types, teams … joined in the same query) in chunks of ``chunk_size``; the tags of
    a chunk in one more query. Memory holds one chunk, whatever the length of the list."""
    fields = sorted({"id", *(f for c in columns for f in c.fields)})
    with_tags = any(c.key == "tags" for c in columns)
    labels = Labels()
    rows = tickets.prefetch_related(None).values(*fields).iterator(chunk_size=chunk_size)
    for chunk in batched(rows, chunk_size):
        if with_tags:
            labels.load_tags([r["id"] for r in chunk])
        for row in chunk:
            yield [column.value(row, labels) for column in columns]


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
FILTER_NAMES = tuple(TicketFilterFields.model_fields)


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
        query = TicketFilterFields.model_validate(filters)
    except PydanticError as exc:
        fields = {str(e["loc"][0]): gettext("Invalid value.") for e in exc.errors() if e["loc"]}
        raise ValidationFailed(
            "export.invalid_filter",
            _("A filter has a value the ticket list refuses."),
            fields=fields,
        ) from exc
    return query.model_dump(mode="json", exclude_defaults=True)


def ticket_filters(cleaned: Mapping[str, Any]) -> TicketFilters:
    """The selector's filters from :func:`clean_ticket_filters`' output (as the API does)."""
    params = TicketFilterFields.model_validate(dict(cleaned)).model_dump()
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
