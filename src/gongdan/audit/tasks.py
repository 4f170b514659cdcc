"""Audit jobs: link new events into the hash chain every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.audit.chain import seal


@db_periodic_task(crontab(minute="*"))
def audit_seal() -> int:
    """Seal the events written since the last run (only the scheduler-lease holder runs it)."""
    return seal()
