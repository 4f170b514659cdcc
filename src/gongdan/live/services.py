"""Presence writes: a staff member viewing or replying to a ticket, renewed by their page.

Presence is not audited and writes no outbox event: it is a few seconds' courtesy to colleagues,
kept in the database with an expiry (never in a process's memory) and announced through
``core.live`` to the pages that may see the ticket.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.accounts.policies import is_staff_user
from gongdan.core import live
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.live.models import Presence, PresenceState
from gongdan.tickets.live import ticket_hint
from gongdan.tickets.models import Ticket

#: A page renews its presence every PRESENCE_RENEW seconds; a row lives PRESENCE_TTL.
PRESENCE_RENEW = 20
PRESENCE_TTL = timedelta(seconds=45)
LEFT = "left"


def presence_people(ticket: Ticket) -> list[dict[str, Any]]:
    """Who is on ``ticket`` now (expired rows left out), replying first, then by name."""
    now = timezone.now()
    rows = (
        Presence.objects.filter(ticket=ticket, expires_at__gt=now)
        .select_related("user")
        .order_by("state", "user__display_name", "user__username")  # replying < viewing
    )
    return [
        {
            "id": row.user_id,
            "name": str(row.user),
            "state": row.state,
            "ttl": max(1, int((row.expires_at - now).total_seconds())),
        }
        for row in rows
    ]


def presence_hint(ticket: Ticket) -> dict[str, Any]:
    hint = ticket_hint(ticket, actor=None, kind="presence")
    return {
        "t": ticket.number,
        "team": hint["team"],
        "assignee": hint["assignee"],
        "watchers": hint["watchers"],
        "people": presence_people(ticket),
    }


def presence_set(*, actor: User, ticket: Ticket, state: str) -> None:
    """``actor`` is viewing or replying to ``ticket`` (renewed), or has ``left`` it.

    The caller has checked that ``actor`` may see ``ticket`` (the view loads it through the
    ticket selector); customers are refused here.
    """
    if not is_staff_user(actor):
        raise Forbidden("permission.denied", _("Only staff share their presence."))
    if state not in {PresenceState.VIEWING, PresenceState.REPLYING, LEFT}:
        raise ValidationFailed("presence.state", _("Unknown presence state."))
    now = timezone.now()
    with transaction.atomic():
        Presence.objects.filter(expires_at__lte=now).delete()
        if state == LEFT:
            Presence.objects.filter(ticket=ticket, user=actor).delete()
        else:
            Presence.objects.update_or_create(
                ticket=ticket,
                user=actor,
                defaults={"state": state, "expires_at": now + PRESENCE_TTL},
            )
        live.publish_on_commit(("presence", ticket.pk), lambda: ("presence", presence_hint(ticket)))
