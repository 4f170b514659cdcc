"""The body of an export job: write the rows the export's owner may see to a file, reporting
progress as it goes, then store it (``export_run``); delete expired exports (``export_purge``).

The rows are read with ``tickets.selectors.ticket_list`` *as the owner*, so an export never holds
a ticket its owner could not open, and read as plain values in chunks (``exports.ticket_rows``)
into a writer that keeps nothing in memory: the job's memory does not grow with the list.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from gongdan.audit.changes import record
from gongdan.reports import changes
from gongdan.reports.exports import COLUMNS, DEFAULT_COLUMNS, WRITERS, ticket_filters, ticket_rows
from gongdan.reports.models import Export
from gongdan.tickets.selectors import ticket_list

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000  # rows fetched at a time (and the tags of as many tickets in one query)
PROGRESS_EVERY = 1000  # rows between two progress updates


def export_run(export_id: int) -> Export | None:
    """Write export ``export_id`` (once: only a queued export is claimed), or record why not."""
    claimed = Export.objects.filter(pk=export_id, status=Export.State.QUEUED).update(
        status=Export.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    export = Export.objects.select_related("owner").get(pk=export_id)
    language = export.params.get("language") or settings.LANGUAGE_CODE
    try:
        with translation.override(language), tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"export.{export.format}"
            _write_tickets(export, path)
            _store(export, path)
    except Exception as exc:  # recorded on the row, shown to its owner
        logger.exception("export %s failed", export_id)
        export.status = Export.State.FAILED
        export.error = f"{type(exc).__name__}: {exc}"[:2000]
        export.finished_at = timezone.now()
        with transaction.atomic():
            export.save(update_fields=["status", "error", "finished_at", "rows_done"])
            record(changes.export_failed(export))
        return export
    return export


def _write_tickets(export: Export, path: Path) -> None:
    owner = export.owner
    if not owner.is_active:
        raise PermissionError("the owner's account is no longer active")
    filters = ticket_filters(export.params.get("filters", {}))
    columns = [COLUMNS[k] for k in export.params.get("columns") or DEFAULT_COLUMNS]
    tickets = ticket_list(user=owner, filters=filters)
    export.rows_total = tickets.count()
    Export.objects.filter(pk=export.pk).update(rows_total=export.rows_total)
    writer = WRITERS[export.format](path, columns, gettext("Tickets"))
    done = 0
    try:
        for values in ticket_rows(tickets, columns, chunk_size=CHUNK_SIZE):
            writer.write(values)
            done += 1
            if done % PROGRESS_EVERY == 0:
                Export.objects.filter(pk=export.pk).update(rows_done=done)
    finally:
        export.rows_done = done
        writer.close()


def _store(export: Export, path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    label = gettext("tickets")
    stamp = timezone.localtime(export.created_at)
    export.name = f"{label}-{stamp:%Y%m%d-%H%M%S}.{export.format}"
    with path.open("rb") as handle:
        export.file.save(export.name, File(handle), save=False)
    export.size = path.stat().st_size
    export.sha256 = digest.hexdigest()
    export.status = Export.State.DONE
    export.rows_total = export.rows_done
    export.finished_at = timezone.now()
    with transaction.atomic():
        export.save()
        record(changes.export_completed(export))


def export_purge(*, now: Any = None) -> int:
    """Delete expired exports and their files (the daily job); returns how many."""
    now = now or timezone.now()
    count = 0
    for export in Export.objects.filter(expires_at__lte=now).iterator(chunk_size=200):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    return count
