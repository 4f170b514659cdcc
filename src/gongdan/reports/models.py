"""Reports' own rows: export jobs (a ticket list or a report written to a file in the background).

The analytics facts and rollups, and the scheduled reports, add their models beside this one.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.core.models import StoredFile


def export_path(instance: Export, filename: str) -> str:
    """Files live under a random name (as attachments do); the display name is kept in the row."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Export(StoredFile):
    """One export job: what its owner asked for, how far it got, and the file it made.

    ``params`` keeps the request as it was validated: for a ticket list the ``tickets_list``
    filters (``filters``) and the column keys (``columns``); for a report its name, period and
    filters. Only the owner may see or download it; it is deleted when it ``expires_at``.
    """

    class Kind(models.TextChoices):
        TICKETS = "tickets", _("ticket list")
        REPORT = "report", _("report")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (.xlsx)")
        CSV = "csv", _("CSV (UTF-8)")
        PDF = "pdf", _("PDF")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TICKETS)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=State.choices, default=State.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_idx")]

    def __str__(self) -> str:
        return self.name or f"export #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        """How far the job got, 0..100 (100 once done)."""
        if self.status == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(100 * self.rows_done / self.rows_total))
