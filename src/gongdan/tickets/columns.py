"""The ticket list's columns: what a view may show, in which order, and which sort each header
sets. Saved views store column keys (``SavedView.columns``); built-in views use the user's own
choice (``ListPreference.columns``) or :data:`DEFAULT_COLUMNS`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    sort: str = ""  # the ascending sort key of tickets.selectors.SORTS ("" : not sortable)
    descending_first: bool = False  # a first click sorts newest / highest first


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in [
        Column("number", _("Number"), "number", descending_first=True),
        Column("title", _("Title")),
        Column("status", _("Status"), "status"),
        Column("priority", _("Priority"), "priority", descending_first=True),
        Column("sla", _("SLA"), "due"),
        Column("requester", _("Requester"), "requester"),
        Column("team", _("Team"), "team"),
        Column("assignee", _("Assignee"), "assignee"),
        Column("updated", _("Updated"), "updated", descending_first=True),
        Column("created", _("Created"), "created", descending_first=True),
        Column("type", _("Type")),
        Column("channel", _("Channel")),
    ]
}
DEFAULT_COLUMNS = (
    "number",
    "title",
    "status",
    "priority",
    "sla",
    "requester",
    "team",
    "assignee",
    "updated",
)
#: Always shown: a row needs something to click.
REQUIRED_COLUMNS = ("number", "title")


def columns_or_default(keys: Sequence[str] | None) -> list[str]:
    """Known keys in the given order (unknown ones dropped, required ones kept); the defaults
    when nothing usable is left."""
    chosen = [k for k in dict.fromkeys(keys or ()) if k in COLUMNS]
    if not chosen:
        return list(DEFAULT_COLUMNS)
    missing = [k for k in REQUIRED_COLUMNS if k not in chosen]
    return missing + chosen
