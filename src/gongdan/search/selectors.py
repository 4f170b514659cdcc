"""Searching: the caller's query over the documents they may see, best first, with snippets.

Visibility is the tickets app's: the ticket filter is compiled from ``tickets.selectors.
ticket_list`` for the caller (so it is the very policy the ticket lists use), customers search
only their visible tickets and never the internal-note text, and people and organizations are
for staff only. An exact ticket number (visible to the caller), email address or phone number
comes back as a ``jump`` to its record.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.customers.models import Contact, Organization
from gongdan.search import backends
from gongdan.search.choices import STAFF_ONLY_KINDS, DocKind
from gongdan.search.models import SearchDocument
from gongdan.search.tokenizer import STOPWORDS, ParsedQuery, parse_query
from gongdan.tickets import policies
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import TicketFilters, ticket_list

MAX_QUERY = 200
MAX_LIMIT = 50
MAX_OFFSET = 1000
SNIPPET_CHARS = 120
NUMBER_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}-\d{8}-\d{4,}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,22}[0-9]$")


@dataclass
class SearchFilters:
    """Ticket filters of a search; with any of them set, only tickets are returned."""

    status: list[str] = field(default_factory=list)
    ticket_type: int | None = None
    team: int | None = None
    organization: int | None = None
    created_from: date | None = None
    created_to: date | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.status
            or self.ticket_type
            or self.team
            or self.organization
            or self.created_from
            or self.created_to
        )


@dataclass
class Jump:
    """An exact hit: the record the query names."""

    kind: str
    obj_id: int
    label: str
    url: str


@dataclass
class Hit:
    kind: str
    obj_id: int
    score: float
    title: str
    title_html: SafeString
    snippet: SafeString
    url: str
    number: str | None = None
    status: str | None = None
    status_label: str | None = None
    in_internal_note: bool = False
    obj: Any = None

    @property
    def kind_label(self) -> str:
        return str(DocKind(self.kind).label)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    jump: Jump | None = None
    next_offset: int | None = None


# --- snippets --------------------------------------------------------------------------------
def _pattern(tokens: list[str]) -> re.Pattern[str] | None:
    if not tokens:
        return None
    return re.compile("|".join(re.escape(t) for t in tokens), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """``text`` as escaped HTML with the query's words in ``<mark>``."""
    if pattern is None:
        return SafeString(escape(text))
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        if m.start() == m.end():
            continue
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> SafeString:
    """A window of ``text`` around the first match, highlighted; the start when none matches."""
    text = " ".join(text.split())
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - width // 3) if found else 0
    window = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(window, pattern) + suffix)  # noqa: S308 - escaped


# --- validation and scope --------------------------------------------------------------------
def clean_query(q: str) -> str:
    q = " ".join((q or "").replace("\x00", "").split())
    if not q:
        message = _("Type something to search for.")
        raise ValidationFailed("search.empty_query", message, fields={"q": message})
    if len(q) > MAX_QUERY:
        message = _("Search for at most %(max)d characters.") % {"max": MAX_QUERY}
        raise ValidationFailed("search.query_too_long", message, fields={"q": message})
    return q


def _kinds_for(user: User, kind: str, filters: SearchFilters) -> tuple[tuple[str, ...], bool]:
    """(staff-only kinds, tickets?) that ``user`` searches for ``kind`` ("" = everything);
    knowledge articles are decided by :func:`_articles_for`."""
    if kind and kind not in DocKind.values:
        message = _("Unknown kind of result.")
        raise ValidationFailed("search.invalid_kind", message, fields={"kind": message})
    staff = policies.is_staff_user(user)
    if kind in STAFF_ONLY_KINDS and not staff:
        raise Forbidden("permission.staff_only", _("Only service staff may search for this."))
    if kind in STAFF_ONLY_KINDS:
        return (kind,), False  # ticket filters do not apply to people and organizations
    if kind == DocKind.ARTICLE:
        return (), False
    if kind == DocKind.TICKET or filters.any or not staff:
        return (), True
    return tuple(sorted(STAFF_ONLY_KINDS)), True


def _ticket_where(qs: QuerySet[Ticket]) -> tuple[str, tuple[object, ...]] | None:
    """The WHERE of ``qs`` as SQL on ``tickets_ticket`` (None: no ticket can match)."""
    query = qs.query
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "1=1", ()
    joined = {alias for alias, refs in query.alias_refcount.items() if refs}
    if joined - {Ticket._meta.db_table}:
        # A filter joined another table: fall back to a key subquery (same rows, slower).
        inner, params = qs.order_by().values("pk").query.sql_with_params()
        return f"{backends.TICKETS}.id IN ({inner})", tuple(params)
    return sql, tuple(params)


def _ticket_filters(filters: SearchFilters) -> TicketFilters:
    return TicketFilters(
        status=list(filters.status),
        ticket_type=filters.ticket_type,
        team=filters.team,
        organization=filters.organization,
        created_from=filters.created_from,
        created_to=filters.created_to,
    )


def _articles_for(user: User, kind: str, filters: SearchFilters) -> bool:
    return kind in {"", DocKind.ARTICLE} and not filters.any


Subset = tuple[str, str, tuple[object, ...]]


@dataclass(frozen=True)
class KindReader:
    """How search reads a kind of document owned by an app above it (knowledge articles).

    ``subset(user)`` is ``(kind, id subquery SQL, params)`` of what ``user`` may read, for
    ``backends.Scope.subsets``; ``objects()`` the rows behind the hits. The owning app registers
    its reader in ``AppConfig.ready()`` (search sits below it and does not import it).
    """

    subset: Callable[[User], Subset]
    objects: Callable[[], QuerySet[Any]]


readers: dict[str, KindReader] = {}


def _subsets(user: User, kind: str, filters: SearchFilters) -> tuple[Subset, ...]:
    reader = readers.get(DocKind.ARTICLE)
    if reader is None or not _articles_for(user, kind, filters):
        return ()
    return (reader.subset(user),)


# --- jump to a record ------------------------------------------------------------------------
def _desk_list(**params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('tickets:list')}?view=all&{query}"


def ticket_url(user: User, number: str) -> str:
    name = "tickets:detail" if policies.is_staff_user(user) else "portal:detail"
    return reverse(name, args=[number])


def article_url(user: User, pk: int) -> str:
    name = "knowledge:detail" if policies.is_staff_user(user) else "portal:kb_article"
    return reverse(name, args=[pk])


def jump_for(*, user: User, q: str) -> Jump | None:
    """The record an exact ticket number, email address or phone number names, if visible."""
    q = q.strip()
    if NUMBER_RE.match(q):
        ticket = (
            Ticket.objects.filter(policies.ticket_visibility(user), number=q.upper())
            .only("id", "number", "title")
            .first()
        )
        if ticket is not None:
            url = ticket_url(user, ticket.number)
            return Jump(DocKind.TICKET, ticket.pk, f"{ticket.number} {ticket.title}", url)
        return None
    if not policies.is_staff_user(user):
        return None
    if EMAIL_RE.match(q):
        return _person_jump(email__iexact=q)
    if PHONE_RE.match(q):
        digits = re.sub(r"[ \-]", "", q)
        return _person_jump(mobile=digits) or _organization_jump({q, digits})
    return None


def _person_jump(**lookup: str) -> Jump | None:
    contact = Contact.objects.filter(**lookup).order_by("id").first()
    if contact is not None:
        url = _desk_list(requester=contact.pk)
        return Jump(DocKind.CONTACT, contact.pk, contact.name, url)
    person = User.objects.filter(is_active=True, **lookup).order_by("id").first()
    if person is not None:
        return Jump(DocKind.USER, person.pk, str(person), _desk_list(assignee=person.pk))
    return None


def _organization_jump(phones: set[str]) -> Jump | None:
    org = Organization.objects.filter(phone__in=phones).order_by("id").first()
    if org is None:
        return None
    return Jump(DocKind.ORGANIZATION, org.pk, org.name, _desk_list(organization=org.pk))


# --- the search ------------------------------------------------------------------------------
def _rows(
    parsed: ParsedQuery, *, user: User, kind: str, filters: SearchFilters, limit: int, offset: int
) -> list[tuple[int, str, int, float]]:
    kinds, tickets = _kinds_for(user, kind, filters)
    where: tuple[str, tuple[object, ...]] | None = ("1=1", ())
    if tickets:
        where = _ticket_where(ticket_list(user=user, filters=_ticket_filters(filters)))
        if where is None:
            tickets = False
    subsets = _subsets(user, kind, filters)
    if not tickets and not kinds and not subsets:
        return []
    within = _customer_documents(user, subsets) if tickets else None
    scope = backends.Scope(kinds, tickets, *(where or ("1=1", ())), subsets=subsets, within=within)
    return _ranked_rows(
        parsed, staff=policies.is_staff_user(user), scope=scope, limit=limit, offset=offset
    )


def _customer_documents(
    user: User, subsets: tuple[tuple[str, str, tuple[object, ...]], ...]
) -> tuple[int, ...] | None:
    """The ids of every document a customer's search could return (their tickets, the
    articles they may read), when they see at most ``GONGDAN_SEARCH_SMALL_SCOPE`` tickets.

    A customer sees a few of a million tickets: a common word matches tens of thousands of
    documents, of which the newest hold few or none of theirs. Starting from their own
    documents instead costs what they own, not what the index holds. None for staff and for
    an organization with more tickets than that (the newest-first window serves them).
    """
    most = settings.GONGDAN_SEARCH_SMALL_SCOPE
    visible = policies.customer_ticket_ids_sql(user, at_most=most)
    if visible is None:
        return None
    visible_sql, visible_params = visible
    # One query; every part reads an index. SQL from constants and ORM-compiled subqueries.
    sql = (
        "SELECT * FROM (SELECT id, 1 FROM search_searchdocument "  # noqa: S608
        f"WHERE kind = %s AND obj_id IN ({visible_sql}) LIMIT %s) AS ticket_docs"
    )
    params: list[object] = [DocKind.TICKET, *visible_params, most + 1]
    for kind, sub_sql, sub_params in subsets:
        sql += " UNION ALL SELECT id, 0 FROM search_searchdocument "
        sql += f"WHERE kind = %s AND obj_id IN ({sub_sql})"
        params += [kind, *sub_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # type: ignore[arg-type]
        rows = cursor.fetchall()
    if sum(row[1] for row in rows) > most:
        return None
    return tuple(sorted(row[0] for row in rows))


def _ranked_rows(
    query: ParsedQuery,
    *,
    staff: bool,
    scope: backends.Scope,
    limit: int,
    offset: int,
    any_word: bool = False,
) -> list[tuple[int, str, int, float]]:
    """``(doc id, kind, obj_id, score)`` rows, best first.

    A query with more than ``GONGDAN_SEARCH_CANDIDATES`` matches in the main index ranks the
    newest of them (``backends.candidate_window``); when those leave fewer than ``limit`` rows
    the caller may see, sixteen times as many, then all of them. A scope that names its few
    possible documents (``within``) ranks all of its matches at once.
    """
    cap = settings.GONGDAN_SEARCH_CANDIDATES
    bounded = scope.within is None and not backends.articles_only(scope)
    caps = [cap, cap * 16] if bounded and cap > 0 else []

    def run(window: backends.Window | None) -> list[tuple[int, str, int, float]]:
        sql, params = backends.ranked_sql(
            query,
            staff=staff,
            scope=scope,
            now=int(time.time()),
            limit=limit,
            offset=offset,
            any_word=any_word,
            window=window,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)  # type: ignore[arg-type]
            return [(r[0], r[1], int(r[2]), float(r[3])) for r in cursor.fetchall()]

    for candidates in caps:
        window = backends.candidate_window(query, staff=staff, cap=candidates, any_word=any_word)
        if window is None:
            break  # no more matches than that: rank them all
        rows = run(window)
        if len(rows) >= limit:
            return rows
    return run(None)


def search(
    *,
    user: User,
    q: str,
    kind: str = "",
    filters: SearchFilters | None = None,
    limit: int = 20,
    offset: int = 0,
    typing: bool = True,
) -> SearchResult:
    """The documents ``user`` may see that contain every word of ``q``, best first.

    ``limit`` is clamped to 1..50 and ``offset`` to 0..1000. Raises ``ValidationFailed`` for an
    empty or over-long query or an unknown kind, ``Forbidden`` when a customer asks for people
    or organizations.
    """
    q = clean_query(q)
    filters = filters or SearchFilters()
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    jump = jump_for(user=user, q=q) if offset == 0 else None
    parsed = parse_query(q, typing=typing)
    if parsed.empty:
        _kinds_for(user, kind, filters)  # still refuse what the caller may not ask for
        return SearchResult(q, [], jump)
    rows = _rows(parsed, user=user, kind=kind, filters=filters, limit=limit + 1, offset=offset)
    more = len(rows) > limit
    hits = _hits(rows[:limit], parsed, user)
    return SearchResult(q, hits, jump, offset + limit if more else None)


def _objects(rows: list[tuple[int, str, int, float]]) -> dict[tuple[str, int], Any]:
    """The objects behind the hits: one query per kind present."""
    ids: dict[str, list[int]] = {}
    for _doc, kind, obj_id, _score in rows:
        ids.setdefault(kind, []).append(obj_id)
    querysets: dict[str, QuerySet[Any]] = {
        DocKind.TICKET: Ticket.objects.only("id", "number", "title", "status", "updated_at"),
        DocKind.ORGANIZATION: Organization.objects.all(),
        DocKind.CONTACT: Contact.objects.all(),
        DocKind.USER: User.objects.select_related("contact"),
        **{name: reader.objects() for name, reader in readers.items()},
    }
    found: dict[tuple[str, int], Any] = {}
    for kind, pks in ids.items():
        for obj in querysets[kind].filter(pk__in=pks):
            found[(kind, obj.pk)] = obj
    return found


def _hits(rows: list[tuple[int, str, int, float]], parsed: ParsedQuery, user: User) -> list[Hit]:
    if not rows:
        return []
    staff = policies.is_staff_user(user)
    fields = ["id", "title", "body"] + (["internal"] if staff else [])
    docs = SearchDocument.objects.only(*fields).in_bulk([r[0] for r in rows])
    objects = _objects(rows)
    pattern = _pattern(parsed.highlight_tokens())
    hits = []
    for doc_id, kind, obj_id, score in rows:
        doc, obj = docs.get(doc_id), objects.get((kind, obj_id))
        if doc is None or obj is None:
            continue  # deleted since the search ran
        hits.append(_hit(kind, obj, doc, score, pattern, user=user, staff=staff))
    return hits


def _hit(
    kind: str,
    obj: Any,
    doc: SearchDocument,
    score: float,
    pattern: re.Pattern[str] | None,
    *,
    user: User,
    staff: bool,
) -> Hit:
    internal = bool(staff and pattern and doc.internal and not pattern.search(doc.title + doc.body))
    text = doc.internal if internal else doc.body
    hit = Hit(
        kind=kind,
        obj_id=obj.pk,
        score=score,
        title=doc.title,
        title_html=highlight(doc.title, pattern),
        snippet=snippet(text, pattern),
        url="",
        in_internal_note=internal,
        obj=obj,
    )
    if kind == DocKind.TICKET:
        hit.title, hit.title_html = obj.title, highlight(obj.title, pattern)
        hit.number, hit.status = obj.number, obj.status
        hit.status_label = str(obj.get_status_display())
        hit.url = ticket_url(user, obj.number)
    elif kind == DocKind.ARTICLE:
        hit.title, hit.title_html = obj.title, highlight(obj.title, pattern)
        hit.status, hit.status_label = obj.status, str(obj.get_status_display())
        hit.url = article_url(user, obj.pk)
    elif kind == DocKind.ORGANIZATION:
        hit.url = _desk_list(organization=obj.pk)
    elif kind == DocKind.CONTACT:
        hit.url = _desk_list(requester=obj.pk)
    elif obj.is_staff_member:
        hit.url = _desk_list(assignee=obj.pk)
    else:  # a customer's login: the tickets of its contact
        contact = policies.contact_for(obj)
        hit.url = _desk_list(requester=contact.pk) if contact else _desk_list(assignee=obj.pk)
    return hit


# --- related documents (suggestions, similar tickets) ---------------------------------------
MAX_RELATED_TERMS = 16


def related_rows(
    *, user: User, text: str, scope: backends.Scope, limit: int
) -> list[tuple[int, str, int, float]]:
    """Documents in ``scope`` sharing words with ``text`` (any word, not all), best first.

    For suggestions while typing and "similar tickets": ``text`` is a title or a description,
    so requiring every word would find nothing. Single characters and function words are left
    out (they match everything); the first ``MAX_RELATED_TERMS`` words count.
    """
    parsed = parse_query(" ".join((text or "").split())[:500], typing=True)
    terms = [
        t
        for t in parsed.terms
        if t.phrase or (len(t.tokens[0]) > 1 and t.tokens[0] not in STOPWORDS)
    ][:MAX_RELATED_TERMS]
    if not terms:
        return []
    return _ranked_rows(
        ParsedQuery(tuple(terms)),
        staff=policies.is_staff_user(user),
        scope=scope,
        limit=max(1, min(limit, MAX_LIMIT)),
        offset=0,
        any_word=True,
    )


def ticket_scope(qs: QuerySet[Ticket]) -> backends.Scope | None:
    """Tickets of ``qs`` (already scoped to the caller) as a search scope; None if none match."""
    where = _ticket_where(qs)
    if where is None:
        return None
    return backends.Scope((), True, *where)
