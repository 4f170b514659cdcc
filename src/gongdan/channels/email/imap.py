"""Fetch new mail from a mailbox over IMAP (by UID, read-only: the server keeps its flags)."""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from datetime import timedelta

from django.utils import timezone

from gongdan.channels.email.intake import receive
from gongdan.channels.email.models import Mailbox, Security

BATCH = 200  # messages per poll; the next poll continues where this one stopped
TIMEOUT = 30


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.imap_security == Security.SSL:
        return imaplib.IMAP4_SSL(
            mailbox.imap_host,
            mailbox.imap_port,
            ssl_context=ssl.create_default_context(),
            timeout=TIMEOUT,
        )
    conn = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT)
    if mailbox.imap_security == Security.STARTTLS:
        conn.starttls(ssl_context=ssl.create_default_context())
    return conn


def check(mailbox: Mailbox) -> int:
    """Log in and open the folder read-only; returns the number of messages it holds."""
    conn = _connect(mailbox)
    try:
        conn.login(mailbox.imap_username, mailbox.imap_password)
        typ, data = conn.select(f'"{mailbox.imap_folder}"', readonly=True)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select {mailbox.imap_folder!r}")
        return int(data[0] or 0)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def poll(mailbox: Mailbox) -> int:
    """Fetch messages with a UID above the last one seen; returns how many were new.

    When the server's UIDVALIDITY changes the folder is read again from the start; the message
    keys make that harmless (nothing is created twice).
    """
    conn = _connect(mailbox)
    new = 0
    try:
        conn.login(mailbox.imap_username, mailbox.imap_password)
        typ, _data = conn.select(f'"{mailbox.imap_folder}"', readonly=True)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select {mailbox.imap_folder!r}")
        validity_raw = conn.response("UIDVALIDITY")[1][0]
        validity = int(validity_raw) if validity_raw else 0
        if mailbox.uid_validity != validity:
            mailbox.uid_validity, mailbox.last_uid = validity, 0
        typ, data = conn.uid("SEARCH", f"UID {mailbox.last_uid + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > mailbox.last_uid)
        for uid in uids[:BATCH]:
            typ, parts = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if typ == "OK" and raw:
                _message, fresh = receive(bytes(raw), mailbox=mailbox)
                new += int(fresh)
            mailbox.last_uid = uid
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_uid=uid, uid_validity=mailbox.uid_validity
            )
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_error="", uid_validity=mailbox.uid_validity, last_uid=mailbox.last_uid
    )
    return new


def due_mailboxes() -> list[int]:
    """Claim the mailboxes whose poll is due (a conditional UPDATE: one poller each)."""
    now = timezone.now()
    claimed = []
    for pk, minutes in (
        Mailbox.objects.filter(is_active=True, next_poll_at__lte=now)
        .exclude(imap_host="")
        .values_list("pk", "poll_minutes")
    ):
        won = Mailbox.objects.filter(pk=pk, next_poll_at__lte=now).update(
            next_poll_at=now + timedelta(minutes=max(1, minutes))
        )
        if won:
            claimed.append(pk)
    return claimed


def record_error(mailbox_id: int, error: str) -> None:
    Mailbox.objects.filter(pk=mailbox_id).update(last_error=error[:2000])
