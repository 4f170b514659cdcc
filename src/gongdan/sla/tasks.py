"""SLA background jobs: the sweep (every minute) and re-aiming clocks after a calendar edit."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.jobs.tasks import job


@db_periodic_task(crontab(minute="*"))
def sla_sweep() -> dict[str, int]:
    """Fire due warnings, breaches and escalations (only the scheduler-lease holder runs it)."""
    from gongdan.sla.sweep import sweep

    result = sweep()
    return {
        "warnings": result.warnings,
        "reminders": result.reminders,
        "breaches": result.breaches,
        "escalations": result.escalations,
    }


@job()
def recompute_calendar(calendar_id: int) -> int:
    """A calendar was edited: re-aim the running clocks that count on it."""
    from django.utils import timezone

    from gongdan.sla.engine import recompute_for_calendar

    return recompute_for_calendar(calendar_id, now=timezone.now())


@db_periodic_task(crontab(minute="5", hour="9"))
def calendar_next_year_check() -> dict[str, int]:
    """Once a day: in December, re-seed, then remind admins of next year's holidays (once)."""
    from gongdan.sla.reminders import remind_next_year

    result = remind_next_year()
    return {"calendars": result.calendars, "notified": result.notified}
