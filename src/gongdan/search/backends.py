"""The two full-text dialects: a parsed query as an FTS5 ``MATCH`` or a PostgreSQL ``tsquery``,
and the ranked SQL around it.

The full-text match is the driving lookup (FTS5's index / the GIN index); each hit then joins its
document row by primary key and, for tickets, the ticket row by primary key, where the caller's
visibility and filters (compiled from ``tickets.selectors.ticket_list``) are checked. Relevance
(bm25 / ``ts_rank``) is multiplied by a recency boost: up to ×1.5 for a document changed now,
×1.25 after 30 days, fading towards ×1.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from gongdan.search.tokenizer import ParsedQuery, Term

RECENCY_SECONDS = 30 * 86400
BOOST = f"(1.0 + 0.5 * {RECENCY_SECONDS}.0 / ({RECENCY_SECONDS}.0 + ABS(%s - doc.ts)))"
TICKETS = "tickets_ticket"


def _fts_term(term: Term) -> str:
    if term.phrase:
        return '"' + " ".join(term.tokens) + '"'
    return f'"{term.tokens[0]}"' + ("*" if term.prefix else "")


def fts5_match(query: ParsedQuery, *, staff: bool, any_word: bool = False) -> str:
    """``"vpn" AND "连不上"`` (``OR`` with ``any_word``); customers' queries are limited to the
    public columns."""
    expr = (" OR " if any_word else " AND ").join(_fts_term(t) for t in query.terms)
    return expr if staff else "{title_tokens body_tokens} : (" + expr + ")"


def _ts_lexeme(token: str, *, prefix: bool, staff: bool) -> str:
    # Tokens are runs of letters and digits: nothing to escape inside the quotes.
    label = ("*" if prefix else "") + ("" if staff else "AB")
    return f"'{token}'" + (f":{label}" if label else "")


def ts_query(query: ParsedQuery, *, staff: bool, any_word: bool = False) -> str:
    """``'vpn' & '连不上'`` (``|`` with ``any_word``); customers' lexemes carry weights A and B
    (title, public text)."""
    parts = []
    for term in query.terms:
        lexemes = [
            _ts_lexeme(tok, prefix=term.prefix and i == len(term.tokens) - 1, staff=staff)
            for i, tok in enumerate(term.tokens)
        ]
        parts.append("(" + " <-> ".join(lexemes) + ")" if term.phrase else lexemes[0])
    return (" | " if any_word else " & ").join(parts)


@dataclass(frozen=True)
class Scope:
    """Which documents a search may return.

    ``kinds``: the non-ticket kinds allowed; ``tickets``: whether tickets are searched, with
    ``ticket_where`` (SQL on ``tickets_ticket``) and its params restricting them; ``subsets``:
    more kinds, each limited to the object ids an SQL subquery returns (knowledge articles the
    caller may read).
    """

    kinds: tuple[str, ...]
    tickets: bool
    ticket_where: str = "1=1"
    ticket_params: tuple[object, ...] = ()
    subsets: tuple[tuple[str, str, tuple[object, ...]], ...] = ()


def _scope_sql(scope: Scope) -> tuple[str, str, list[object]]:
    """(JOIN clause, WHERE condition, params) restricting hits to ``scope``."""
    if scope.subsets:
        inner = Scope(scope.kinds, scope.tickets, scope.ticket_where, scope.ticket_params)
        join, cond, params = _scope_sql(inner) if scope.kinds or scope.tickets else ("", "", [])
        if scope.tickets and not scope.kinds:  # keep the other kinds' rows: an outer join
            join = f"LEFT JOIN {TICKETS} ON doc.kind = 'ticket' AND {TICKETS}.id = doc.obj_id"
        conds = [f"({cond})"] if cond else []
        for kind, sql, sub_params in scope.subsets:
            conds.append(f"(doc.kind = %s AND doc.obj_id IN ({sql}))")
            params += [kind, *sub_params]
        return join, "(" + " OR ".join(conds) + ")", params
    marks = ", ".join(["%s"] * len(scope.kinds))
    if scope.tickets and scope.kinds:
        join = f"LEFT JOIN {TICKETS} ON doc.kind = 'ticket' AND {TICKETS}.id = doc.obj_id"
        cond = f"(doc.kind IN ({marks}) OR ({TICKETS}.id IS NOT NULL AND ({scope.ticket_where})))"
        return join, cond, [*scope.kinds, *scope.ticket_params]
    if scope.tickets:
        join = f"JOIN {TICKETS} ON {TICKETS}.id = doc.obj_id"
        return join, f"doc.kind = 'ticket' AND ({scope.ticket_where})", list(scope.ticket_params)
    return "", f"doc.kind IN ({marks})", list(scope.kinds)


def fts_table(scope: Scope) -> str:
    """SQLite: the articles' own small index when only articles can match (suggestions), so a
    common word does not walk every ticket first; the whole index otherwise."""
    articles_only = (
        not scope.tickets
        and not scope.kinds
        and bool(scope.subsets)
        and all(kind == "article" for kind, _sql, _params in scope.subsets)
    )
    return "search_fts_article" if articles_only else "search_fts"


def ranked_sql(
    query: ParsedQuery,
    *,
    staff: bool,
    scope: Scope,
    now: int,
    limit: int,
    offset: int,
    any_word: bool = False,
    floor: int | None = None,
) -> tuple[str, list[object]]:
    """SQL returning ``(doc id, kind, obj_id, score)``, best first; ``any_word`` matches
    documents with at least one of the words (suggestions), ranked by how well they match.
    ``floor`` (SQLite): rank only documents from that index row on (see ``candidate_floor``)."""
    # The SQL is built from constants and the ORM-compiled ticket filter; values are params.
    join, cond, scope_params = _scope_sql(scope)
    if connection.vendor == "postgresql":
        tsq = ts_query(query, staff=staff, any_word=any_word)
        sql = (
            "SELECT doc.id, doc.kind, doc.obj_id, "  # noqa: S608
            f"ts_rank(doc.tsv, %s::tsquery) * {BOOST} AS score "
            f"FROM search_searchdocument doc {join} "
            f"WHERE doc.tsv @@ %s::tsquery AND {cond} "
            "ORDER BY score DESC, doc.id DESC LIMIT %s OFFSET %s"
        )
        return sql, [tsq, now, tsq, *scope_params, limit, offset]
    fts = fts_table(scope)
    newest = f"AND {fts}.rowid >= %s " if floor is not None else ""
    sql = (
        "SELECT doc.id, doc.kind, doc.obj_id, "  # noqa: S608
        f"-bm25({fts}, 4.0, 1.0, 1.0) * {BOOST} AS score "
        f"FROM {fts} JOIN search_searchdocument doc ON doc.id = {fts}.rowid "
        f"{join} WHERE {fts} MATCH %s {newest}AND {cond} "
        "ORDER BY score DESC, doc.id DESC LIMIT %s OFFSET %s"
    )
    match = fts5_match(query, staff=staff, any_word=any_word)
    bound = [floor] if floor is not None else []
    return sql, [now, match, *bound, *scope_params, limit, offset]


def candidate_floor(
    query: ParsedQuery, *, staff: bool, cap: int, any_word: bool = False
) -> int | None:
    """SQLite: when more than ``cap`` documents match, the index row from which the newest
    ``cap`` of them start (else None).

    bm25 costs a few microseconds per matching row, so a word found in a tenth of a million
    tickets costs a third of a second to rank in full. FTS5 walks a term's rows newest first
    almost for free, so a query with that many matches ranks the newest ``cap`` of them (index
    rows follow the order documents were first indexed: new tickets come last). A second word
    narrows the matches below the cap and brings the full ranking back; the caller also falls
    back to it when the candidates leave too few visible results.
    """
    if connection.vendor != "sqlite" or cap <= 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
            "ORDER BY rowid DESC LIMIT 1 OFFSET %s",
            [fts5_match(query, staff=staff, any_word=any_word), cap - 1],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None
