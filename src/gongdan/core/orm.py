"""Small ORM helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


def prime_prefetch(instance: Model, relation: str, objects: Iterable[Model]) -> None:
    """Fill ``instance.<relation>.all()`` with rows we already hold, as ``prefetch_related`` does.

    For a row just written by a service (e.g. a new ticket and the tags it was given), so that
    rendering it does not read back what we know. Any later write through the relation's manager
    clears this cache, as it clears a real prefetch.
    """
    manager = getattr(instance, relation)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.prefetch_cache_name] = queryset


def update_rows(objects: Sequence[Model], fields: Sequence[str]) -> None:
    """Save ``fields`` of many rows with one prepared ``UPDATE … WHERE id = %s`` (executemany).

    Much cheaper than ``bulk_update`` (which builds a ``CASE`` expression per row and field)
    when every row gets its own values, as in the SLA sweep. Only for plain concrete fields.
    """
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(str(f.column))} = %s" for f in concrete)  # type: ignore[union-attr]
    # Identifiers come from the model's metadata (quoted); every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {columns} "  # noqa: S608
        f"WHERE {quote(str(meta.pk.column))} = %s"
    )
    params = [
        [
            f.get_db_prep_save(getattr(obj, f.attname), connection)  # type: ignore[union-attr]
            for f in concrete
        ]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def insert_rows(objects: Sequence[Model]) -> None:
    """Insert many new rows with multi-row ``INSERT … VALUES``; ids are not read back.

    For append-only rows written in bulk by sweeps (timeline entries, audit events, notifications,
    outbox events): ``bulk_create`` compiles the SQL of every row, this builds it once. Field
    defaults and ``auto_now_add`` are applied as ``save()`` would.
    """
    if not objects:
        return
    meta = type(objects[0])._meta
    fields = [
        f for f in meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)
    ]
    quote = connection.ops.quote_name
    values = [
        [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
        for obj in objects
    ]
    # Identifiers come from the model's metadata (quoted); every value is a parameter.
    head = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement whatever the number of rows: a typed array per column, unnested.
            arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in fields)
            columns = [list(column) for column in zip(*values, strict=True)]
            cursor.execute(head + f"SELECT * FROM unnest({arrays})", columns)  # noqa: S608
            return
        # SQLite: multi-row VALUES in chunks that stay under the bound-parameter limit.
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        chunk = max(1, 4000 // len(fields))
        for start in range(0, len(values), chunk):
            rows = values[start : start + chunk]
            params = [value for row in rows for value in row]
            cursor.execute(head + "VALUES " + ", ".join([one] * len(rows)), params)
