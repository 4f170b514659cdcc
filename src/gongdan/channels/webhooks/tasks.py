"""Webhook periodic jobs: the retry sweep and the log purge.

The job sending one attempt (``deliver_webhook``) is defined in ``services``, which enqueues it;
this module sits above ``services`` and imports it, never the other way round.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.channels.webhooks.services import deliveries_purge, deliveries_retry_due


@db_periodic_task(crontab(minute="*"))
def webhook_retry_sweep() -> int:
    """Every minute: attempts whose time has come and whose queued job was lost."""
    return deliveries_retry_due()


@db_periodic_task(crontab(minute="37", hour="3"))
def webhook_log_purge() -> int:
    """Daily: the deliveries log keeps ``GONGDAN_WEBHOOK_LOG_DAYS`` days."""
    return deliveries_purge()
