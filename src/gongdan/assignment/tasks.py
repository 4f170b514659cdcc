"""Smart assignment's periodic jobs: the waiting queue's retry and agents' performance.

The jobs the services enqueue (retry at once, redistribute an agent's tickets) are defined in
``services``; this module sits above it and imports it, never the other way round.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.assignment.performance import compute_performance
from gongdan.assignment.services import retry_pending


@db_periodic_task(crontab(minute="*"))
def retry_pending_assignments() -> int:
    """Every minute: assign waiting tickets to agents who became available (lease holder)."""
    return retry_pending()


@db_periodic_task(crontab(minute="23"))
def compute_agent_performance() -> int:
    """Hourly: agents' resolution rate, time and reopen rate, overall and per category."""
    return compute_performance()
