"""Webhook jobs: one attempt per job (failures are recorded, not raised), and the retry sweep."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.jobs.tasks import job


@job(retries=0)
def deliver_webhook(delivery_pk: int) -> str | None:
    """Send one pending attempt (a no-op when another worker already took it)."""
    from gongdan.channels.webhooks.services import delivery_attempt

    return delivery_attempt(delivery_pk)


@db_periodic_task(crontab(minute="*"))
def webhook_retry_sweep() -> int:
    """Every minute: attempts whose time has come and whose queued job was lost."""
    from gongdan.channels.webhooks.services import deliveries_retry_due

    return deliveries_retry_due()


@db_periodic_task(crontab(minute="37", hour="3"))
def webhook_log_purge() -> int:
    """Daily: the deliveries log keeps ``GONGDAN_WEBHOOK_LOG_DAYS`` days."""
    from gongdan.channels.webhooks.services import deliveries_purge

    return deliveries_purge()
