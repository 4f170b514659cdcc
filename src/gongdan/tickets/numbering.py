"""Human ticket numbers: PREFIX-YYYYMMDD-NNNN, unique under concurrency, never reused.

One upsert both creates the day's counter and increments it, and returns the new value. It runs
inside the transaction that creates the ticket, so the counter row stays locked (PostgreSQL) or
the database write-locked (SQLite IMMEDIATE) until the ticket is committed: concurrent creators
queue and every number is used exactly once, with no gaps.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gongdan.tickets.models import TicketSequence

_UPSERT = (
    "INSERT INTO {table} (prefix, day, last_value) VALUES (%s, %s, 1) "
    "ON CONFLICT (prefix, day) DO UPDATE SET last_value = {table}.last_value + 1 "
    "RETURNING last_value"
)


def next_ticket_number(*, at: datetime | None = None, prefix: str | None = None) -> str:
    """Take the next number for the local day of ``at``; call inside ``transaction.atomic``."""
    prefix = prefix or settings.GONGDAN_TICKET_PREFIX
    day = timezone.localdate(at or timezone.now()).strftime("%Y%m%d")
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [prefix, day])
        (value,) = cursor.fetchone()
    return f"{prefix}-{day}-{value:04d}"
