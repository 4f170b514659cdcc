"""The scheduled reports' periodic job (every minute; only the scheduler-lease holder enqueues
it, and a doubled tick is harmless: see ``schedule_engine``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.jobs.tasks import job
from gongdan.reports.schedule_engine import send_run_now, tick


@db_periodic_task(crontab(minute="*"))
def report_schedules_tick() -> dict[str, int]:
    """Claim due schedules, send due runs, retry failed ones."""
    result = tick()
    return {
        "claimed": result.claimed,
        "sent": result.sent,
        "retrying": result.retrying,
        "failed": result.failed,
    }


@job(retries=0)
def report_run_send(run_id: int) -> dict[str, int]:
    """A run asked for with "run now": sent at once (its retries are the engine's)."""
    result = send_run_now(run_id)
    return {"sent": result.sent, "retrying": result.retrying, "failed": result.failed}
