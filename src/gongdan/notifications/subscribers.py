"""Ticket events (from the outbox) turned into notifications: who hears about what.

- assigned (or created already assigned) → the assignee;
- a customer's public reply → the assignee, or the agents of the ticket's team while unassigned;
- a colleague's internal note → the assignee (internal notes never reach customers);
- an @mention in an internal note → each colleague mentioned;
- a staff public reply → the requester's login (customers never see who wrote internal notes);
- a status change made by staff that customers care about → the requester's login;
- a customer confirming, reopening or cancelling → the assignee;
The actor is never told about their own action (``notify`` drops them). Apps above this one tell
their own people through ``notify`` (knowledge reviews: ``knowledge.subscribers``).
"""

from __future__ import annotations

from typing import Any

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.core import sweeps
from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.notifications.choices import Kind
from gongdan.notifications.services import notify, notify_many
from gongdan.tickets.choices import Status
from gongdan.tickets.mentions import mentioned_usernames
from gongdan.tickets.models import Comment, Supervision, Ticket
from gongdan.tickets.services.followups import responders, supervision_payload

CUSTOMER_STATUSES = {Status.PENDING, Status.RESOLVED, Status.CLOSED, Status.CANCELLED}
CUSTOMER_MOVES = {Status.CLOSED, Status.REOPENED, Status.CANCELLED}


def _ticket(payload: dict[str, Any]) -> Ticket | None:
    return (
        Ticket.objects.select_related("assignee", "requester__user", "team")
        .filter(number=payload.get("ticket"))
        .first()
    )


def _user(pk: Any) -> User | None:
    return User.objects.filter(pk=pk).first() if pk else None


def _requester_login(ticket: Ticket) -> User | None:
    return ticket.requester.user if ticket.requester_id else None


def _team_agents(ticket: Ticket) -> list[User]:
    if ticket.team_id is None:
        return []
    return list(
        User.objects.filter(teams=ticket.team_id, is_active=True).exclude(role=Role.CUSTOMER)
    )


@subscriber("ticket.assigned", "ticket.created", name="notifications.assigned")
def on_assigned(event: OutboxEvent) -> None:
    payload = event.payload
    if not payload.get("assignee"):
        return
    ticket = _ticket(payload)
    if ticket is None or ticket.assignee_id != payload["assignee"]:
        return  # reassigned again since: the newer event tells the newer assignee
    notify(
        recipients=[ticket.assignee],
        kind=Kind.TICKET_ASSIGNED,
        ticket=ticket,
        actor=_user(payload.get("actor")),
    )


@subscriber("comment.created", name="notifications.comment")
def on_comment(event: OutboxEvent) -> None:
    payload = event.payload
    ticket = _ticket(payload)
    comment = Comment.objects.select_related("author").filter(pk=payload.get("comment")).first()
    if ticket is None or comment is None:
        return
    actor = comment.author
    by_staff = actor is not None and actor.is_staff_member
    if comment.is_internal:
        if ticket.assignee is not None and ticket.assignee.username in mentioned_usernames(
            comment.body
        ):
            return  # told once, as mentioned (``on_mention``)
        notify(recipients=[ticket.assignee], kind=Kind.NOTE_ADDED, ticket=ticket, actor=actor)
    elif by_staff:
        notify(
            recipients=[_requester_login(ticket)],
            kind=Kind.STAFF_REPLIED,
            ticket=ticket,
            actor=actor,
        )
    else:
        staff = [ticket.assignee] if ticket.assignee_id else _team_agents(ticket)
        notify(recipients=staff, kind=Kind.CUSTOMER_REPLIED, ticket=ticket, actor=actor)


@subscriber("ticket.mention", name="notifications.mention")
def on_mention(event: OutboxEvent) -> None:
    """Colleagues mentioned in an internal note (``tickets.services.mentions``)."""
    payload = event.payload
    ticket = _ticket(payload)
    ids = [int(pk) for pk in payload.get("users") or [] if str(pk).isdigit()]
    if ticket is None or not ids:
        return
    people = list(User.objects.filter(pk__in=ids, is_active=True).exclude(role=Role.CUSTOMER))
    notify(recipients=people, kind=Kind.MENTIONED, ticket=ticket, actor=_user(payload.get("actor")))


@subscriber("ticket.hurried", name="notifications.hurried")
def on_hurried(event: OutboxEvent) -> None:
    payload = event.payload
    ticket = _ticket(payload)
    if ticket is None:
        return
    people: list[User | None] = (
        [ticket.assignee] if ticket.assignee_id else list(_team_agents(ticket))
    )
    if ticket.team_id and ticket.team and ticket.team.lead_id:
        people.append(ticket.team.lead)
    notify(recipients=people, kind=Kind.HURRIED, ticket=ticket, actor=_user(payload.get("actor")))


@subscriber("ticket.status_changed", name="notifications.status")
def on_status(event: OutboxEvent) -> None:
    payload = event.payload
    ticket = _ticket(payload)
    actor = _user(payload.get("actor"))
    if ticket is None:
        return
    new = payload.get("new")
    data = {"old": payload.get("old"), "new": new}
    if actor is not None and not actor.is_staff_member:
        if new in CUSTOMER_MOVES:
            notify(
                recipients=[ticket.assignee],
                kind=Kind.CUSTOMER_ACTED,
                ticket=ticket,
                actor=actor,
                data=data,
            )
        return
    if new in CUSTOMER_STATUSES:
        notify(
            recipients=[_requester_login(ticket)],
            kind=Kind.STATUS_CHANGED,
            ticket=ticket,
            actor=actor,
            data=data,
        )


# --- supervision (督办) ------------------------------------------------------------------------


def _supervision(payload: dict[str, Any]) -> Any:
    return (
        Supervision.objects.select_related(
            "ticket__assignee", "ticket__team__lead", "team__lead", "created_by", "responded_by"
        )
        .filter(pk=int(payload.get("supervision") or 0))
        .first()
    )


@subscriber("supervision.opened", name="notifications.supervision_opened")
def on_supervision_opened(event: OutboxEvent) -> None:
    supervision = _supervision(event.payload)
    if supervision is None:
        return
    notify(
        recipients=responders(supervision),
        kind=Kind.SUPERVISION_OPENED,
        actor=_user(event.payload.get("actor")),
        data=supervision_payload(supervision),
    )


@subscriber("supervision.responded", name="notifications.supervision_responded")
def on_supervision_responded(event: OutboxEvent) -> None:
    supervision = _supervision(event.payload)
    if supervision is None:
        return
    notify(
        recipients=[supervision.created_by],
        kind=Kind.SUPERVISION_RESPONDED,
        actor=_user(event.payload.get("actor")),
        data=supervision_payload(supervision),
    )


@subscriber("supervision.decided", name="notifications.supervision_decided")
def on_supervision_decided(event: OutboxEvent) -> None:
    supervision = _supervision(event.payload)
    if supervision is None:
        return
    people: list[User | None] = [supervision.responded_by, *responders(supervision)]
    notify(
        recipients=people,
        kind=Kind.SUPERVISION_DECIDED,
        actor=_user(event.payload.get("actor")),
        data={**supervision_payload(supervision), "decision": event.payload.get("decision")},
    )


@subscriber("ticket.created", name="notifications.received_by_mail")
def on_created_by_mail(event: OutboxEvent) -> None:
    """A ticket that came in by mail: tell the sender its number (by mail, when mail is on)."""
    if event.payload.get("channel", "email") != "email":
        return  # events carry the channel: no query for the other tickets
    ticket = _ticket(event.payload)
    if ticket is None or ticket.channel != "email":
        return
    notify(recipients=[_requester_login(ticket)], kind=Kind.TICKET_RECEIVED, ticket=ticket)


def install() -> None:
    """Write the periodic sweeps' notifications (``core.sweeps``), from ``ready()``."""
    sweeps.note_writers.register(notify_many)
