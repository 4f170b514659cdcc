"""@mentions in internal notes: tell the colleagues named, and let them read the ticket.

Called by ``comment_create`` inside its transaction, with the ticket locked, for internal notes
only (a mention in a public reply is just text: it grants nothing and tells nobody). Each active
staff member mentioned (never the writer) is told (``ticket.mention`` outbox event →
``notifications``); one who may not see the ticket yet becomes a watcher of it — the same
read access ``watcher_add`` gives, visible in the watchers panel and removable there. One
internal timeline entry and one audit event (``ticket.mention``) name who was mentioned and who
gained access.
"""

from __future__ import annotations

from typing import Final

from gongdan.accounts.models import User
from gongdan.audit.changes import ChangeKind
from gongdan.tickets import changes, policies
from gongdan.tickets.changes import TicketChange, record
from gongdan.tickets.mentions import mentioned_staff
from gongdan.tickets.models import Comment, Ticket, TicketWatcher

MENTION_KIND = "ticket.mention"
MENTIONED: Final = ChangeKind(MENTION_KIND, timeline=MENTION_KIND, internal=True)


def _watch(actor: User, ticket: Ticket, user: User) -> None:
    """``user`` watches ``ticket`` (as ``relations.watcher_add`` does it, which imports this
    module's caller; the ticket is locked by ``comment_create``)."""
    watcher, created = TicketWatcher.objects.get_or_create(ticket=ticket, user=user)
    if created:
        record(changes.watcher_added(ticket, actor=actor, watcher=watcher))


def mentions_apply(*, actor: User, ticket: Ticket, comment: Comment) -> list[User]:
    """Handle the mentions of an internal note; returns the colleagues mentioned."""
    if not comment.is_internal or not policies.is_staff_user(actor):
        return []
    people = [u for u in mentioned_staff(comment.body) if u.pk != actor.pk]
    if not people:
        return []
    granted = []
    for user in people:
        if not policies.can_see(user, ticket):
            _watch(actor, ticket, user)
            granted.append(user)
    record(
        TicketChange(
            MENTIONED,
            ticket,
            actor,
            at=comment.created_at,
            comment=None,
            entry={
                "who": ", ".join(str(u) for u in people),
                "granted": ", ".join(str(u) for u in granted),
            },
            audit_data={
                "comment": comment.pk,
                "users": [u.pk for u in people],
                "granted": [u.pk for u in granted],
            },
            payload={
                "ticket": ticket.number,
                "comment": comment.pk,
                "users": [u.pk for u in people],
                "actor": actor.pk,
            },
        )
    )
    return people
