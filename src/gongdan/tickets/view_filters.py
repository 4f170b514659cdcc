"""A saved view's filters: checked like ``tickets_list`` parameters, stored as the workspace
list's query string (the sidebar link opens exactly that list); and the sidebar's counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticError

from gongdan.accounts.models import User
from gongdan.core.errors import ValidationFailed
from gongdan.tickets.models import SavedView
from gongdan.tickets.schemas import TicketFilterFields
from gongdan.tickets.selectors import TicketFilters, View, ticket_list

FILTER_NAMES = tuple(TicketFilterFields.model_fields)
_LISTS = {"status", "priority"}
# Workspace query keys that are not filters: paging state and the page size.
_PAGING = {"cursor", "saved", "size"}


def clean_view_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """The filters without their defaults; an unknown name is 422 ``view.unknown_filter``, a
    value the list refuses 422 ``view.invalid_filter`` (with the field named)."""
    filters = dict(filters or {})
    unknown = sorted(set(filters) - set(FILTER_NAMES))
    if unknown:
        raise ValidationFailed(
            "view.unknown_filter",
            _("Unknown filter “%(name)s”.") % {"name": str(unknown[0])[:40]},
            fields={
                str(name)[:40]: _("Choose one of: %(names)s.") % {"names": ", ".join(FILTER_NAMES)}
                for name in unknown
            },
        )
    try:
        parsed = TicketFilterFields.model_validate(filters)
    except PydanticError as exc:
        fields = {str(e["loc"][0]): _("Invalid value.") for e in exc.errors() if e["loc"]}
        raise ValidationFailed(
            "view.invalid_filter", _("A filter has a value the ticket list refuses."), fields=fields
        ) from exc
    return parsed.model_dump(mode="json", exclude_defaults=True)


def query_from_filters(cleaned: Mapping[str, Any]) -> str:
    """The workspace list's query string for cleaned filters (``view`` always named)."""
    pairs: list[tuple[str, str]] = [("view", str(cleaned.get("view") or View.ALL))]
    for name in FILTER_NAMES:
        value = cleaned.get(name)
        if name == "view" or value in (None, "", [], False):
            continue
        if isinstance(value, list):
            pairs += [(name, str(v)) for v in value]
        else:
            pairs.append((name, "1" if value is True else str(value)))
    return urlencode(pairs)


def filters_from_query(query: str) -> dict[str, Any]:
    """The filters a stored query string names, as :func:`clean_view_filters` returns them.

    Lenient, for views saved from the workspace before filters were checked: keys that are not
    filters and values the list refuses are left out. No ``view`` means the user's own open
    tickets, as on the workspace list.
    """
    raw: dict[str, Any] = {}
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=False):
        if key in _PAGING or key not in FILTER_NAMES:
            continue
        if key in _LISTS:
            raw.setdefault(key, []).append(value)
        else:
            raw[key] = "1" if key == "reopened" and value == "1" else value
    raw.setdefault("view", View.MINE)
    kept: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            kept |= clean_view_filters({key: value})
        except ValidationFailed:
            continue
    return {**kept, "view": kept.get("view", View.MINE)}


def ticket_filters(cleaned: Mapping[str, Any]) -> TicketFilters:
    """The selector's filters from cleaned ones (as ``tickets_list`` builds them)."""
    params = TicketFilterFields.model_validate(dict(cleaned)).model_dump()
    params["status"] = [str(s) for s in params["status"]]
    params["priority"] = [str(p) for p in params["priority"]]
    return TicketFilters(**params | {"channel": params["channel"] or ""})


#: Saved views counted in the sidebar at most; a count stops at this many tickets ("999+").
SAVED_VIEW_COUNT_CAP = 999


def saved_view_counts(*, user: User, views: Sequence[SavedView]) -> dict[int, int | None]:
    """How many tickets each saved view holds, as the sidebar shows them (None: not counted).

    The one place the sidebar's saved-view counts come from, so that a cheaper implementation
    (maintained counters, gongdan issue 14 "perf") can replace it. Each count is bounded: it
    stops after ``SAVED_VIEW_COUNT_CAP`` + 1 rows, whatever the size of the table.
    """
    counts: dict[int, int | None] = {}
    for view in views:
        filters = ticket_filters(filters_from_query(view.query))
        qs = ticket_list(user=user, filters=filters).order_by()
        counts[view.pk] = qs.values("pk")[: SAVED_VIEW_COUNT_CAP + 1].count()
    return counts
