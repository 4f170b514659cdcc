"""What happened on a ticket since an agent's page showed it: for the conflict message of a
refused save and for the warning before a reply that crosses a new customer message.

Pages carry ``seen`` — the newest timeline entry they showed — with every form; entries after it
are what the agent has not seen. Never a version number: people read names and changes.
"""

from __future__ import annotations

from django.db.models import Q

from gongdan.accounts.choices import STAFF_ROLES
from gongdan.accounts.models import User
from gongdan.tickets.models import Ticket, TimelineEntry
from gongdan.tickets.selectors import timeline_hide_others, timeline_list

#: Without ``seen`` (a form posted from an old page) the latest entries of others are shown.
FALLBACK_ENTRIES = 5


def parse_seen(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def changes_since(*, user: User, ticket: Ticket, seen: int | None) -> list[TimelineEntry]:
    """The entries the page had not shown, made by others (oldest first)."""
    entries = timeline_list(user=user, ticket=ticket).exclude(actor=user)
    if seen is None:
        latest = list(entries.order_by("-created_at", "-id")[:FALLBACK_ENTRIES])
        return timeline_hide_others(user=user, entries=latest[::-1])
    return timeline_hide_others(user=user, entries=list(entries.filter(pk__gt=seen)))


def customer_messages_since(*, ticket: Ticket, seen: int | None) -> list[TimelineEntry]:
    """The customer's public messages on ``ticket`` after entry ``seen`` (none without one)."""
    if seen is None:
        return []
    by_customer = Q(comment__author__isnull=True, comment__author_contact__isnull=False) | Q(
        comment__author__isnull=False
    ) & ~Q(comment__author__role__in=STAFF_ROLES)
    return list(
        TimelineEntry.objects.filter(
            by_customer, ticket=ticket, pk__gt=seen, comment__is_internal=False
        )
        .select_related("comment", "comment__author", "comment__author_contact")
        .order_by("created_at", "id")
    )
