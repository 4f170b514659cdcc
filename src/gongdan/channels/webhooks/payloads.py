"""What a webhook says: the versioned envelope and the ``data`` of each event type.

``{"version": 1, "id": "evt_<outbox id>", "type": "ticket.created", "created_at": "…",
"data": {"ticket": {…}, …}}``. The data is read when the event is dispatched, so it shows the
ticket as it is then. Internal notes are marked ``"internal": true`` and only go to
subscriptions that opted in (``include_internal``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from gongdan.accounts.models import User
from gongdan.channels.messages import ticket_url
from gongdan.tickets.models import Comment, Ticket

VERSION = 1


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name or user.username}


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    requester = ticket.requester
    return {
        "number": ticket.number,
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "team": {"id": ticket.team.pk, "name": ticket.team.name} if ticket.team else None,
        "assignee": _person(ticket.assignee),
        "requester": {"id": requester.pk, "name": requester.name} if requester else None,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "url": ticket_url(ticket.number),
    }


def comment_data(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "body": comment.body,
        "internal": comment.is_internal,
        "author": _person(comment.author),
        "created_at": comment.created_at,
    }


def load_ticket(number: Any) -> Ticket | None:
    return (
        Ticket.objects.select_related("team", "assignee", "requester").filter(number=number).first()
    )


def event_data(event_type: str, payload: dict[str, Any]) -> tuple[dict[str, Any], bool] | None:
    """``(data, internal)`` for an outbox event, or None when there is nothing to send."""
    ticket = load_ticket(payload.get("ticket"))
    if ticket is None:
        return None
    data: dict[str, Any] = {"ticket": ticket_data(ticket)}
    internal = False
    if event_type == "comment.created":
        comment = (
            Comment.objects.select_related("author")
            .filter(pk=int(payload.get("comment") or 0), ticket=ticket)
            .first()
        )
        if comment is None:
            return None
        data["comment"] = comment_data(comment)
        internal = comment.is_internal
    elif event_type == "ticket.status_changed":
        data["old"], data["new"] = payload.get("old"), payload.get("new")
    elif event_type.startswith("sla."):
        data.update({k: payload[k] for k in ("target", "percent", "level") if k in payload})
    return data, internal


def envelope_body(event_id: str, event_type: str, created_at: datetime, data: Any) -> str:
    """The exact JSON body (UTF-8 text, compact, not ASCII-escaped)."""
    envelope = {
        "version": VERSION,
        "id": event_id,
        "type": event_type,
        "created_at": created_at,
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
