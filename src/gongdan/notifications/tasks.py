"""The notifications' periodic job: the daily digests (``digest.py``)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.notifications.digest import digests_send_due


@db_periodic_task(crontab(minute="5"))
def notification_digests() -> int:
    """Hourly: mail the daily digests due (none without outgoing mail)."""
    if not getattr(settings, "GONGDAN_EMAIL_ENABLED", False):
        return 0
    return digests_send_due()
