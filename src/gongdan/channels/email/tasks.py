"""Email jobs: poll due mailboxes every minute; each mailbox is fetched by its own job."""

from __future__ import annotations

import imaplib

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongdan.channels.email.imap import due_mailboxes, poll, record_error
from gongdan.channels.email.models import Mailbox
from gongdan.core.events import enqueue_on_commit
from gongdan.jobs.tasks import job


@db_periodic_task(crontab(minute="*"))
def mail_poll() -> int:
    """Start a fetch for every mailbox whose poll interval has passed."""
    claimed = due_mailboxes()
    for pk in claimed:
        enqueue_on_commit(poll_mailbox, pk)
    return len(claimed)


@job(retries=0)
def poll_mailbox(mailbox_id: int) -> int:
    """Fetch one mailbox; a connection or login error is kept on the mailbox for admins."""
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None:
        return 0
    try:
        return poll(mailbox)
    except (imaplib.IMAP4.error, OSError) as exc:
        record_error(mailbox_id, f"{type(exc).__name__}: {exc}")
        return 0
