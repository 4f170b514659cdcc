"""Smart assignment's background jobs: the waiting queue's retry, redistribution, performance."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.jobs.tasks import job


@db_periodic_task(crontab(minute="*"))
def retry_pending_assignments() -> int:
    """Every minute: assign waiting tickets to agents who became available (lease holder)."""
    from gongdan.assignment.services import retry_pending

    return retry_pending()


@job()
def retry_pending_assignments_now() -> int:
    """Enqueued after commit when an agent comes online: the same retry, at once."""
    from gongdan.assignment.services import retry_pending

    return retry_pending()


@job()
def redistribute_agent_tickets(user_id: int) -> int:
    """Enqueued after commit when an agent goes offline or on leave (idempotent)."""
    from gongdan.assignment.services import redistribute

    return redistribute(user_id)


@db_periodic_task(crontab(minute="23"))
def compute_agent_performance() -> int:
    """Hourly: agents' resolution rate, time and reopen rate, overall and per category."""
    from gongdan.assignment.performance import compute_performance

    return compute_performance()
