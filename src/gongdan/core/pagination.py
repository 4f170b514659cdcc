"""Keyset (cursor) pagination: the cost of a page does not grow with its depth."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongdan.core.errors import DomainError


@dataclass(frozen=True)
class Page[T: Model]:
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _field(queryset: QuerySet[Any], name: str) -> Field:
    """The model field, or the output field of an annotation, that ``name`` orders by."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        output: Field = annotation.output_field
        return output
    model_field = queryset.model._meta.get_field(name)
    assert isinstance(model_field, Field), "order by concrete fields only"
    return model_field


def _decode(cursor: str, fields: list[str], queryset: QuerySet[Any]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(fields):
            raise ValueError("cursor shape")
    except (ValueError, TypeError) as exc:
        raise DomainError("pagination.bad_cursor", _("Invalid cursor.")) from exc
    out = []
    for field, value in zip(fields, values, strict=True):
        model_field = _field(queryset, field.lstrip("-"))
        try:
            if model_field.get_internal_type() == "DateTimeField" and isinstance(value, str):
                value = parse_datetime(value)
                if value is not None:
                    value.astimezone(UTC)  # a forged far-future offset overflows here, not in SQL
            # A forged cursor ("abc" for an id, a bad date) is a 400, not a failing query.
            value = model_field.to_python(value)
        except (ValueError, TypeError, OverflowError, ValidationError) as exc:
            raise DomainError("pagination.bad_cursor", _("Invalid cursor.")) from exc
        if value is None or isinstance(value, list | dict):
            raise DomainError("pagination.bad_cursor", _("Invalid cursor."))
        out.append(value)
    return out


def _after(ordering: list[str], values: list[Any], *, reverse: bool) -> Q:
    """The rows strictly after ``values`` in ``ordering`` (or before, when ``reverse``)."""
    condition = Q()
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        descending = field.startswith("-") != reverse
        lookup = "lt" if descending else "gt"
        equal = Q(**{ordering[j].lstrip("-"): values[j] for j in range(i)})
        condition |= equal & Q(**{f"{name}__{lookup}": values[i]})
    return condition


def keyset_page[T: Model](
    queryset: QuerySet[T], *, ordering: list[str], size: int, cursor: str | None = None
) -> Page[T]:
    """Return one page of ``queryset`` ordered by ``ordering`` (its last field must be unique).

    A cursor starting with ``-`` walks backwards (the "previous" link). Fields in ``ordering``
    must be non-null; they may be annotations of ``queryset`` (computed sort keys).
    """
    backwards = bool(cursor and cursor.startswith("-"))
    qs = queryset
    if cursor:
        values = _decode(cursor.lstrip("-"), ordering, queryset)
        qs = qs.filter(_after(ordering, values, reverse=backwards))
    order = [(f[1:] if f.startswith("-") else f"-{f}") for f in ordering] if backwards else ordering
    rows = list(qs.order_by(*order)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    def key(row: T) -> str:
        return _encode([getattr(row, f.lstrip("-")) for f in ordering])

    next_cursor = prev_cursor = None
    if rows:
        # Walking forwards, "more" lies ahead; walking backwards, it lies behind.
        if backwards or has_more:
            next_cursor = key(rows[-1])
        if (backwards and has_more) or (cursor and not backwards):
            prev_cursor = "-" + key(rows[0])
    return Page(items=rows, next_cursor=next_cursor, prev_cursor=prev_cursor)
