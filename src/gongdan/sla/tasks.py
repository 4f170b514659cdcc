"""SLA periodic jobs: the sweep (every minute) and the December calendar check.

The job re-aiming clocks after a calendar edit is ``engine.recompute_calendar``.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.sla.reminders import remind_next_year
from gongdan.sla.sweep import sweep


@db_periodic_task(crontab(minute="*"))
def sla_sweep() -> dict[str, int]:
    """Fire due warnings, breaches and escalations (only the scheduler-lease holder runs it)."""
    result = sweep()
    return {
        "warnings": result.warnings,
        "reminders": result.reminders,
        "breaches": result.breaches,
        "escalations": result.escalations,
    }


@db_periodic_task(crontab(minute="5", hour="9"))
def calendar_next_year_check() -> dict[str, int]:
    """Once a day: in December, re-seed, then remind admins of next year's holidays (once)."""
    result = remind_next_year()
    return {"calendars": result.calendars, "notified": result.notified}
