"""The reports app's audited changes (see ``audit.changes``): exports asked for, made, failed and
downloaded, and reports downloaded as files. Audit only: nothing else listens to them, so no
outbox event is written."""

from __future__ import annotations

from typing import Any, Final

from gongdan.audit.changes import Change, ChangeKind
from gongdan.reports.models import Export


class Kind:
    EXPORT_REQUESTED: Final = ChangeKind("export.requested", outbox=False)
    EXPORT_COMPLETED: Final = ChangeKind("export.completed", outbox=False)
    EXPORT_FAILED: Final = ChangeKind("export.failed", outbox=False)
    EXPORT_DOWNLOADED: Final = ChangeKind("export.downloaded", outbox=False)
    REPORT_DOWNLOADED: Final = ChangeKind("report.downloaded", outbox=False)


def export_requested(export: Export, *, actor: Any) -> Change:
    """Who asked for which rows: the kind, format, filters and columns as validated."""
    data = {"kind": export.kind, "format": export.format, **export.params}
    data.pop("language", None)
    return Change(Kind.EXPORT_REQUESTED, export, actor, audit_data=data)


def export_completed(export: Export) -> Change:
    data = {"rows": export.rows_done, "size": export.size, "sha256": export.sha256}
    return Change(Kind.EXPORT_COMPLETED, export, export.owner, audit_data=data)


def export_failed(export: Export) -> Change:
    data = {"rows": export.rows_done, "error": export.error[:500]}
    return Change(Kind.EXPORT_FAILED, export, export.owner, audit_data=data)


def export_downloaded(export: Export, *, actor: Any) -> Change:
    return Change(Kind.EXPORT_DOWNLOADED, export, actor, audit_data={"rows": export.rows_done})


def report_downloaded(*, actor: Any, data: dict[str, Any]) -> Change:
    """A report taken away as a file (name, format, period, filters); the reader is the object:
    there is no row for a report."""
    return Change(Kind.REPORT_DOWNLOADED, actor, actor, audit_data=data)
