"""The scheduled reports' periodic job (every minute; only the scheduler-lease holder enqueues
it, and a doubled tick is harmless: see ``schedule_engine``)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.jobs.tasks import job
from gongdan.reports.schedule_engine import send_run_now, tick

logger = logging.getLogger(__name__)


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


def kick_run(run_id: int) -> None:
    """Queue :func:`report_run_send` (after commit); with the queue away, the next tick sends."""
    try:
        report_run_send(run_id)
    except Exception:
        logger.warning("could not queue scheduled report run %s; the next tick sends it", run_id)
