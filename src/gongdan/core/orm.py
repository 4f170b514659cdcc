"""Small ORM helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
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
    # A many-to-many manager names its cache; a reverse foreign key's is its field's related name.
    name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    cache[name] = queryset


def update_rows(objects: Sequence[Model], fields: Sequence[str]) -> None:
    """Save ``fields`` of many rows, each with its own values, in one round trip.

    PostgreSQL: one ``UPDATE … FROM unnest(typed arrays)`` statement; SQLite: one prepared
    ``UPDATE … WHERE id = %s`` run with executemany (in-process, no round trips). Much cheaper than
    ``bulk_update``, which builds a ``CASE`` expression per row and field. Plain concrete fields.
    """
    if not objects:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-thread proxy
    model = type(objects[0])
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    pk = meta.pk
    assert pk is not None
    quote = conn.ops.quote_name
    columns = [
        [f.get_db_prep_save(getattr(obj, f.attname), conn) for obj in objects]  # type: ignore[union-attr]
        for f in concrete
    ]
    ids = [obj.pk for obj in objects]
    # Identifiers come from the model's metadata (quoted); every value is a parameter.
    if conn.vendor == "postgresql":
        sets = ", ".join(
            f"{quote(str(f.column))} = v.c{i}"  # type: ignore[union-attr]
            for i, f in enumerate(concrete)
        )
        arrays = ", ".join(
            f"%s::{f.cast_db_type(conn)}[]"  # type: ignore[union-attr]
            for f in [pk, *concrete]
        )
        names = ", ".join(["id", *(f"c{i}" for i in range(len(concrete)))])
        sql = (
            f"UPDATE {quote(meta.db_table)} AS t SET {sets} "  # noqa: S608
            f"FROM unnest({arrays}) AS v({names}) WHERE t.{quote(str(pk.column))} = v.id"
        )
        with conn.cursor() as cursor:
            cursor.execute(sql, [ids, *columns])
        return
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in concrete)  # type: ignore[union-attr]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(str(pk.column))} = %s"
    )
    params = [[*row, pk_value] for *row, pk_value in zip(*columns, ids, strict=True)]
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)


def insert_rows(objects: Sequence[Model]) -> None:
    """Insert many new rows; ids are not read back.

    For append-only rows written in bulk by sweeps (timeline entries, audit events, notifications,
    outbox events): ``bulk_create`` compiles the SQL of every row, this does the work once.
    PostgreSQL: ``COPY … FROM STDIN`` (psycopg's binary-accelerated row writer); SQLite: multi-row
    ``VALUES``. Field defaults and ``auto_now_add`` are applied as ``save()`` would.
    """
    if not objects:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-thread proxy
    meta = type(objects[0])._meta
    fields = [
        f for f in meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)
    ]
    quote = conn.ops.quote_name
    values = [
        [f.get_db_prep_save(f.pre_save(obj, add=True), conn) for f in fields] for obj in objects
    ]
    names = ", ".join(quote(str(f.column)) for f in fields)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # Identifiers come from the model's metadata (quoted); values travel as COPY data.
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        # SQLite: multi-row VALUES in chunks that stay under the bound-parameter limit.
        head = f"INSERT INTO {quote(meta.db_table)} ({names}) "
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        chunk = max(1, 4000 // len(fields))
        for start in range(0, len(values), chunk):
            rows = values[start : start + chunk]
            params = [value for row in rows for value in row]
            cursor.execute(head + "VALUES " + ", ".join([one] * len(rows)), params)
