"""Writing the search index: (re)indexing objects, the full rebuild and the consistency check.

Documents are written with one multi-row upsert per batch (``INSERT … ON CONFLICT (kind,
obj_id) DO UPDATE``); the full-text structures follow in the same statement (SQLite: FTS5
triggers; PostgreSQL: a generated ``tsvector`` column). A batch only rewrites rows whose digest
changed, so re-indexing an unchanged object costs one read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gongdan.accounts.models import User
from gongdan.customers.models import Contact, Organization
from gongdan.search import documents
from gongdan.search.choices import DocKind
from gongdan.search.models import SearchDocument
from gongdan.tickets.models import Ticket

BATCH = 1000
UPDATE_FIELDS = [
    "title",
    "body",
    "internal",
    "title_tokens",
    "body_tokens",
    "internal_tokens",
    "ts",
    "digest",
    "indexed_at",
]


@dataclass(frozen=True)
class KindSpec:
    model: type[models.Model]
    queryset: Callable[[], models.QuerySet[Any]]
    sources: Callable[[Sequence[Any]], list[documents.Source]]


KINDS: dict[str, KindSpec] = {
    DocKind.TICKET: KindSpec(
        Ticket,
        lambda: Ticket.objects.only("id", "number", "title", "description", "updated_at"),
        documents.ticket_sources,
    ),
    DocKind.ORGANIZATION: KindSpec(
        Organization, lambda: Organization.objects.all(), documents.organization_sources
    ),
    DocKind.CONTACT: KindSpec(
        Contact, lambda: Contact.objects.select_related("organization"), documents.contact_sources
    ),
    DocKind.USER: KindSpec(User, lambda: User.objects.all(), documents.user_sources),
    # Apps above search add their own kinds with register_kind() (knowledge: articles).
}


def register_kind(kind: str, spec: KindSpec) -> None:
    """Index a kind of document owned by an app above search (called in its ``ready()``)."""
    KINDS[kind] = spec


def _changed(kind: str, objects: Sequence[Any]) -> tuple[list[SearchDocument], dict[int, str]]:
    """(documents to write, current digests) for ``objects``: only changed ones are segmented."""
    sources = KINDS[kind].sources(objects)
    current = _digests(kind, [s.obj_id for s in sources])
    docs = []
    for source in sources:
        new = documents.digest(source)
        if current.get(source.obj_id) != new:
            docs.append(documents.build(source, new))
    return docs, current


def _digests(kind: str, ids: Sequence[int]) -> dict[int, str]:
    rows = SearchDocument.objects.filter(kind=kind, obj_id__in=ids).values_list("obj_id", "digest")
    return dict(rows)


def _upsert(docs: Sequence[SearchDocument]) -> None:
    """Insert or replace documents with one prepared statement (executemany).

    ``bulk_create(update_conflicts=True)`` compiles the SQL of every row; this builds it once.
    """
    if not docs:
        return
    now = timezone.now()
    columns = ["kind", "obj_id", *UPDATE_FIELDS]
    marks = ", ".join(["%s"] * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in UPDATE_FIELDS)
    sql = (
        f"INSERT INTO search_searchdocument ({', '.join(columns)}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT (kind, obj_id) DO UPDATE SET {updates}"
    )
    stamp = SearchDocument._meta.get_field("indexed_at").get_db_prep_save(now, connection)
    rows = [
        [
            d.kind,
            d.obj_id,
            d.title,
            d.body,
            d.internal,
            d.title_tokens,
            d.body_tokens,
            d.internal_tokens,
            d.ts,
            d.digest,
            stamp,
        ]
        for d in docs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def index_objects(*, kind: str, ids: Sequence[int]) -> int:
    """Bring the documents of ``ids`` (of ``kind``) up to date; drop those of deleted objects.

    Returns how many documents were written or deleted. Idempotent: safe to run again.
    """
    spec = KINDS[kind]
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    objects = list(spec.queryset().filter(pk__in=ids))
    changed, current = _changed(kind, objects)
    gone = set(ids) - {o.pk for o in objects}
    with transaction.atomic():
        _upsert(changed)
        if gone:
            SearchDocument.objects.filter(kind=kind, obj_id__in=gone).delete()
    return len(changed) + len(gone & set(current))


def index_tickets(*, numbers: Sequence[str]) -> int:
    """Re-index tickets by number (the outbox events name tickets by number)."""
    ids = list(Ticket.objects.filter(number__in=list(numbers)).values_list("pk", flat=True))
    return index_objects(kind=DocKind.TICKET, ids=ids)


def _batches(kind: str, size: int) -> Iterator[list[Any]]:
    last = 0
    spec = KINDS[kind]
    while True:
        batch = list(spec.queryset().filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


@dataclass
class KindReport:
    kind: str
    objects: int = 0
    written: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


def _orphans(kind: str) -> models.QuerySet[SearchDocument]:
    """Documents whose object is gone. ``NOT EXISTS`` (an anti-join), not ``NOT IN``: with a
    million tickets PostgreSQL cannot hash the ``NOT IN`` list in memory and falls back to a
    plan that rescans it for every document (it ran for over 17 minutes)."""
    existing = KINDS[kind].model._default_manager.filter(pk=OuterRef("obj_id"))
    return SearchDocument.objects.filter(kind=kind).exclude(Exists(existing))


def _scan(kind: str, *, size: int, write: bool, report: KindReport) -> None:
    for batch in _batches(kind, size):
        changed, current = _changed(kind, batch)
        report.objects += len(batch)
        for doc in changed:
            (report.stale if doc.obj_id in current else report.missing).append(doc.obj_id)
        if write and changed:
            with transaction.atomic():
                _upsert(changed)
            report.written += len(changed)


def search_rebuild(
    *,
    kinds: Sequence[str] = tuple(KINDS),
    batch: int = BATCH,
    progress: Callable[[KindReport], None] | None = None,
) -> list[KindReport]:
    """Index every object of ``kinds`` in batches of ``batch`` (one transaction each).

    Unchanged documents are skipped; documents of deleted objects are removed. Safe while the
    site runs: searches see old or new documents, never none.
    """
    reports = []
    for kind in kinds:
        report = KindReport(kind)
        _scan(kind, size=batch, write=True, report=report)
        orphans = _orphans(kind)
        report.orphans = list(orphans.values_list("obj_id", flat=True)[:1000])
        with transaction.atomic():
            report.written += orphans.delete()[0]
        if progress:
            progress(report)
        reports.append(report)
    return reports


def search_check(*, kinds: Sequence[str] = tuple(KINDS), batch: int = BATCH) -> list[KindReport]:
    """Compare the index with the objects: missing, stale and orphaned documents (no writes)."""
    reports = []
    for kind in kinds:
        report = KindReport(kind)
        _scan(kind, size=batch, write=False, report=report)
        report.orphans = list(_orphans(kind).values_list("obj_id", flat=True)[:1000])
        reports.append(report)
    return reports


def fulltext_integrity_ok() -> bool:
    """SQLite: FTS5's own check that its index matches the document rows."""
    if connection.vendor != "sqlite":
        return True
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    except DatabaseError:
        return False
    return True
