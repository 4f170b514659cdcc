"""Reports' background jobs: write an export; delete expired exports once a day."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.jobs.tasks import job
from gongdan.reports.export_jobs import export_purge, export_run


@job(retries=0)
def run_export(export_id: int) -> str:
    """Write one export (a failure is recorded on the export, where its owner sees it)."""
    export = export_run(export_id)
    return export.status if export is not None else "skipped"


@db_periodic_task(crontab(minute="41", hour="3"))
def exports_purge() -> int:
    """Delete exports (and their files) past their expiry."""
    return export_purge()
