"""Ticket background jobs: the follow-up sweep (reminders and 督办 deadlines) every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.tickets.sweep import sweep


@db_periodic_task(crontab(minute="*"))
def followup_sweep() -> dict[str, int]:
    """Send due reminders and watch supervision deadlines (on the scheduler-lease holder)."""
    result = sweep()
    return {
        "reminders": result.reminders,
        "supervision_warnings": result.supervision_warnings,
        "supervision_overdue": result.supervision_overdue,
        "supervision_escalations": result.supervision_escalations,
    }


@db_periodic_task(crontab(minute="*"))
def counts_compact() -> int:
    """Fold the view-tab counters' delta rows (``tickets.counts``), so reads stay small."""
    from gongdan.tickets.counts import compact

    return compact()
