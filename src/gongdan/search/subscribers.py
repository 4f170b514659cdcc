"""Keeping the index in step: outbox events → re-index the objects they name.

Delivered once per event after the change committed, and retried with backoff when indexing
fails (``jobs.outbox``). Handlers re-read the object, so a late or repeated event still leaves
the newest text in the index.
"""

from __future__ import annotations

from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Contact
from gongdan.jobs.outbox import subscriber
from gongdan.search.choices import DocKind
from gongdan.search.services import index_objects, index_tickets

TICKET_EVENTS = (
    "ticket.created",
    "ticket.updated",
    "ticket.assigned",
    "ticket.status_changed",
    "ticket.merged",
    "ticket.hurried",
    "comment.created",
)


@subscriber(*TICKET_EVENTS, name="search.ticket")
def on_ticket(event: OutboxEvent) -> None:
    payload = event.payload
    numbers = [n for n in (payload.get("ticket"), payload.get("into")) if isinstance(n, str)]
    index_tickets(numbers=numbers)


def _ids(event: OutboxEvent, key: str) -> list[int]:
    value = event.payload.get(key)
    return [value] if isinstance(value, int) else []


@subscriber("organization.created", "organization.updated", name="search.organization")
def on_organization(event: OutboxEvent) -> None:
    ids = _ids(event, "organization")
    index_objects(kind=DocKind.ORGANIZATION, ids=ids)
    # Contacts' documents carry their organization's name.
    contacts = Contact.objects.filter(organization_id__in=ids).values_list("pk", flat=True)
    index_objects(kind=DocKind.CONTACT, ids=list(contacts))


@subscriber("contact.created", "contact.updated", name="search.contact")
def on_contact(event: OutboxEvent) -> None:
    index_objects(kind=DocKind.CONTACT, ids=_ids(event, "contact"))


@subscriber("user.created", "user.updated", name="search.user")
def on_user(event: OutboxEvent) -> None:
    index_objects(kind=DocKind.USER, ids=_ids(event, "user"))


@subscriber("article.changed", name="search.article")
def on_article(event: OutboxEvent) -> None:
    index_objects(kind=DocKind.ARTICLE, ids=_ids(event, "article"))
