"""Export jobs: ``export_create`` validates one and queues it; the background task
(``reports.tasks.run_export``) writes it (``reports.export_jobs``).

A ticket export takes the ``tickets_list`` filters by the same names and the columns of the list
(``exports.COLUMNS`` keys). Every step is audited (``reports.changes``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from gongdan.audit.changes import record
from gongdan.core.errors import ValidationFailed
from gongdan.core.events import enqueue_on_commit
from gongdan.reports import changes
from gongdan.reports.exports import (
    CONTENT_TYPES,
    FORMATS,
    clean_columns,
    clean_ticket_filters,
)
from gongdan.reports.models import Export
from gongdan.reports.tasks import run_export

MAX_RUNNING = 3  # queued or running exports per user at a time


def _retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "GONGDAN_EXPORT_RETENTION_DAYS", 7)))


def _check_format(value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValidationFailed(
            "export.unknown_format",
            _("Unknown export format “%(name)s”.") % {"name": str(value)[:20]},
            fields={"format": _("Choose one of: %(names)s.") % {"names": ", ".join(allowed)}},
        )
    return value


def export_create(
    *,
    actor: Any,
    format: str,
    filters: Mapping[str, Any] | None = None,
    columns: Sequence[str] | None = None,
) -> Export:
    """Queue an export of the tickets ``actor`` may see with ``filters`` (``tickets_list``
    names) in ``format`` (xlsx or csv), with ``columns`` (the list's when none).

    422: ``export.unknown_format``, ``export.unknown_filter``, ``export.invalid_filter``,
    ``export.unknown_column``, ``export.too_many`` (``MAX_RUNNING`` unfinished already).
    """
    _check_format(format, FORMATS)
    params = {
        "filters": clean_ticket_filters(filters),
        "columns": clean_columns(columns),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    now = timezone.now()
    with transaction.atomic():
        running = Export.objects.filter(
            owner_id=actor.pk,
            status__in=[Export.State.QUEUED, Export.State.RUNNING],
            created_at__gt=now - timedelta(hours=1),
        ).count()
        if running >= MAX_RUNNING:
            raise ValidationFailed(
                "export.too_many",
                _("You already have %(n)d exports in progress: wait for one to finish.")
                % {"n": running},
            )
        export = Export.objects.create(
            owner=actor,
            kind=Export.Kind.TICKETS,
            format=format,
            params=params,
            name=f"tickets-{timezone.localtime(now):%Y%m%d-%H%M%S}.{format}",
            size=0,
            content_type=CONTENT_TYPES[format],
            sha256="",
            uploaded_by=actor,
            created_at=now,
            expires_at=now + _retention(),
        )
        record(changes.export_requested(export, actor=actor))
        enqueue_on_commit(run_export, export.pk)
    return export


def export_downloaded(*, actor: Any, export: Export) -> None:
    """Audit a download of a finished export (its owner's: the caller has checked)."""
    record(changes.export_downloaded(export, actor=actor))
