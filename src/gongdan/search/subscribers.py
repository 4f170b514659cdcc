"""Keeping the index in step: outbox events → re-index the objects they name.

Delivered once per event after the change committed, and retried with backoff when indexing
fails (``jobs.outbox``). Handlers re-read the object, so a late or repeated event still leaves
the newest text in the index.

Every field a document is made of (``search.documents``) has an event for each write that
changes it — including a ticket's ``updated_at`` (the document's time stamp), which every write
that touches the ticket moves: a child created, a link, a watcher, a file, a merge (which moves
the duplicate's child tickets), an SLA escalation that raises the priority or moves the team.
A knowledge category or tag appears in its articles' documents (``knowledge.subscribers``
re-indexes them). ``tests/search/test_freshness``
checks that ``search_check`` finds nothing stale after each kind of change.
"""

from __future__ import annotations

from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Contact
from gongdan.jobs.outbox import subscriber
from gongdan.search.choices import DocKind
from gongdan.search.services import index_objects, index_tickets
from gongdan.tickets.models import Ticket

TICKET_EVENTS = (
    "ticket.created",
    "ticket.updated",
    "ticket.assigned",
    "ticket.status_changed",
    "ticket.merged",
    "ticket.hurried",
    "ticket.child_created",
    "ticket.linked",
    "ticket.watchers_changed",
    "comment.created",
    "attachment.added",
    "sla.escalated",
)
# The payload keys that name tickets by number.
TICKET_KEYS = ("ticket", "into", "child", "other")


@subscriber(*TICKET_EVENTS, name="search.ticket")
def on_ticket(event: OutboxEvent) -> None:
    payload = event.payload
    numbers = [n for n in (payload.get(key) for key in TICKET_KEYS) if isinstance(n, str)]
    if event.event_type == "ticket.merged" and numbers:
        # The duplicate's child tickets moved to the target (and were touched).
        into = payload.get("into")
        children = Ticket.objects.filter(parent__number=into).values_list("number", flat=True)
        numbers += list(children)
    index_tickets(numbers=numbers)


def event_ids(event: OutboxEvent, key: str) -> list[int]:
    value = event.payload.get(key)
    return [value] if isinstance(value, int) else []


@subscriber("organization.created", "organization.updated", name="search.organization")
def on_organization(event: OutboxEvent) -> None:
    ids = event_ids(event, "organization")
    index_objects(kind=DocKind.ORGANIZATION, ids=ids)
    # Contacts' documents carry their organization's name.
    contacts = Contact.objects.filter(organization_id__in=ids).values_list("pk", flat=True)
    index_objects(kind=DocKind.CONTACT, ids=list(contacts))


@subscriber("contact.created", "contact.updated", name="search.contact")
def on_contact(event: OutboxEvent) -> None:
    index_objects(kind=DocKind.CONTACT, ids=event_ids(event, "contact"))


@subscriber("user.created", "user.updated", name="search.user")
def on_user(event: OutboxEvent) -> None:
    index_objects(kind=DocKind.USER, ids=event_ids(event, "user"))


@subscriber("article.changed", name="search.article")
def on_article(event: OutboxEvent) -> None:
    index_objects(kind=DocKind.ARTICLE, ids=event_ids(event, "article"))
