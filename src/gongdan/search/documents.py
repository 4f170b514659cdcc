"""What each kind of object puts into its search document.

- ticket: number and title (title), description and public replies (body), internal notes
  (internal: staff only);
- organization: name (+ pinyin), code, phone, email domains, address;
- contact: name (+ pinyin), email, mobile, organization name;
- user: display and login names (+ pinyin), email, mobile;
- article (knowledge base, one per language variant): title; body text, tags and category.
The digest covers the text, the timestamp and the segmentation in force (code version and the
admins' dictionary): ``search_check`` compares it with the objects' current text to find stale
rows without segmenting anything.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from gongdan.accounts.models import User
from gongdan.customers.models import Contact, Organization
from gongdan.search.choices import DocKind
from gongdan.search.models import SearchDocument
from gongdan.search.tokenizer import MAX_TEXT, fingerprint, pinyin_tokens, segment
from gongdan.tickets.models import Comment, Ticket


@dataclass(frozen=True)
class Source:
    """The text of one object, before segmentation."""

    kind: str
    obj_id: int
    title: str
    body: str
    internal: str
    changed_at: datetime | None
    extra_tokens: Sequence[str] = ()


def digest(source: Source) -> str:
    """Changes when the text, the timestamp or the segmentation (dictionary) changes.

    Computed without segmenting, so that checking an up-to-date document is cheap.
    """
    parts = [
        fingerprint(),
        source.title[:300],
        source.body[:MAX_TEXT],
        source.internal[:MAX_TEXT],
        " ".join(source.extra_tokens),
        str(_ts(source)),
    ]
    # A change detector, not a security boundary.
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()  # noqa: S324


def _ts(source: Source) -> int:
    return int(source.changed_at.timestamp()) if source.changed_at else 0


def build(source: Source, digest_: str | None = None) -> SearchDocument:
    """The ``SearchDocument`` row (unsaved) for ``source``."""
    title = source.title[:300]
    body = source.body[:MAX_TEXT]
    internal = source.internal[:MAX_TEXT]
    return SearchDocument(
        kind=source.kind,
        obj_id=source.obj_id,
        title=title,
        body=body,
        internal=internal,
        title_tokens=" ".join(segment(title)),
        body_tokens=" ".join([*segment(body), *source.extra_tokens]),
        internal_tokens=" ".join(segment(internal)),
        ts=_ts(source),
        digest=digest_ or digest(source),
    )


def join_text(parts: Iterable[str]) -> str:
    return "\n".join(p for p in parts if p)


def ticket_sources(tickets: Sequence[Ticket]) -> list[Source]:
    """Sources for ``tickets``: one query for all their comments."""
    public: dict[int, list[str]] = defaultdict(list)
    internal: dict[int, list[str]] = defaultdict(list)
    rows = (
        Comment.objects.filter(ticket_id__in=[t.pk for t in tickets])
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "body", "is_internal")
    )
    for ticket_id, body, is_internal in rows:
        (internal if is_internal else public)[ticket_id].append(body)
    return [
        Source(
            kind=DocKind.TICKET,
            obj_id=t.pk,
            title=f"{t.number} {t.title}",
            body=join_text([t.description, *public[t.pk]]),
            internal=join_text(internal[t.pk]),
            changed_at=t.updated_at,
        )
        for t in tickets
    ]


def organization_sources(orgs: Sequence[Organization]) -> list[Source]:
    return [
        Source(
            kind=DocKind.ORGANIZATION,
            obj_id=o.pk,
            title=o.name,
            body=join_text([o.code, o.phone, o.email_domains, o.address]),
            internal="",
            changed_at=o.created_at,
            extra_tokens=pinyin_tokens(o.name),
        )
        for o in orgs
    ]


def contact_sources(contacts: Sequence[Contact]) -> list[Source]:
    """Contacts with their organization joined by the caller (``select_related``)."""
    return [
        Source(
            kind=DocKind.CONTACT,
            obj_id=c.pk,
            title=c.name,
            body=join_text([c.email, c.mobile, c.organization.name if c.organization else ""]),
            internal="",
            changed_at=c.created_at,
            extra_tokens=pinyin_tokens(c.name),
        )
        for c in contacts
    ]


def user_sources(users: Sequence[User]) -> list[Source]:
    return [
        Source(
            kind=DocKind.USER,
            obj_id=u.pk,
            title=str(u),
            body=join_text([u.username, u.email, u.mobile]),
            internal="",
            changed_at=u.date_joined,
            extra_tokens=pinyin_tokens(str(u)),
        )
        for u in users
    ]
