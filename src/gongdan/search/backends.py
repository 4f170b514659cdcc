"""The two full-text dialects: a parsed query as an FTS5 ``MATCH`` or a PostgreSQL ``tsquery``,
and the ranked SQL around it.

The full-text match is the driving lookup (FTS5's index / the GIN index); each hit then joins its
document row by primary key and, for tickets, the ticket row by primary key, where the caller's
visibility and filters (compiled from ``tickets.selectors.ticket_list``) are checked. A query
with very many matches ranks only the newest of them (``candidate_window``); a customer's search
starts from their own few documents (``Scope.within``). Relevance (bm25 / ``ts_rank``) is
multiplied by a recency boost: up to ×1.5 for a document changed now, ×1.25 after 30 days,
fading towards ×1.
"""

from __future__ import annotations

import json
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
    caller may read); ``within``: when set, the ids of the only documents that can match (a
    customer's few tickets and readable articles), so the search starts from them.
    """

    kinds: tuple[str, ...]
    tickets: bool
    ticket_where: str = "1=1"
    ticket_params: tuple[object, ...] = ()
    subsets: tuple[tuple[str, str, tuple[object, ...]], ...] = ()
    within: tuple[int, ...] | None = None


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


def articles_only(scope: Scope) -> bool:
    """Only knowledge articles can match (suggestions): a few hundred documents, ranked in
    full (SQLite reads them from their own small index)."""
    return (
        not scope.tickets
        and not scope.kinds
        and bool(scope.subsets)
        and all(kind == "article" for kind, _sql, _params in scope.subsets)
    )


def fts_table(scope: Scope) -> str:
    """SQLite: the articles' own small index when only articles can match, so a common word
    does not walk every ticket first; the whole index otherwise."""
    return "search_fts_article" if articles_only(scope) else "search_fts"


@dataclass(frozen=True)
class Window:
    """Rank only the documents from id ``floor`` on (see :func:`candidate_window`).

    ``lead`` (PostgreSQL): the part of the query the GIN index looks up — its rarest word, or
    the whole query when any word may match; the whole query is then checked on the rows found.
    """

    floor: int
    lead: ParsedQuery | None = None


def ranked_sql(
    query: ParsedQuery,
    *,
    staff: bool,
    scope: Scope,
    now: int,
    limit: int,
    offset: int,
    any_word: bool = False,
    window: Window | None = None,
) -> tuple[str, list[object]]:
    """SQL returning ``(doc id, kind, obj_id, score)``, best first; ``any_word`` matches
    documents with at least one of the words (suggestions), ranked by how well they match."""
    # The SQL is built from constants and the ORM-compiled ticket filter; values are params.
    join, cond, scope_params = _scope_sql(scope)
    if connection.vendor == "postgresql":
        return _pg_ranked_sql(
            query,
            staff=staff,
            scope=scope,
            now=now,
            any_word=any_word,
            window=window,
            join=join,
            cond=cond,
            tail_params=[*scope_params, limit, offset],
        )
    fts = fts_table(scope)
    bounds, bound_params = "", list[object]()
    if window is not None:
        bounds, bound_params = f"AND {fts}.rowid >= %s ", [window.floor]
    if scope.within is not None:
        # The unary plus keeps FTS5 from looking each id up (a fresh query per id, ~0.3 ms
        # each): it walks the matches (~0.15 µs each) and each is tested against the set.
        bounds += f"AND +{fts}.rowid IN (SELECT value FROM json_each(%s)) "  # noqa: S608
        bound_params.append(json.dumps(scope.within))
    sql = (
        "SELECT doc.id, doc.kind, doc.obj_id, "  # noqa: S608
        f"-bm25({fts}, 4.0, 1.0, 1.0) * {BOOST} AS score "
        f"FROM {fts} JOIN search_searchdocument doc ON doc.id = {fts}.rowid "
        f"{join} WHERE {fts} MATCH %s {bounds}AND {cond} "
        "ORDER BY score DESC, doc.id DESC LIMIT %s OFFSET %s"
    )
    match = fts5_match(query, staff=staff, any_word=any_word)
    return sql, [now, match, *bound_params, *scope_params, limit, offset]


def _pg_ranked_sql(
    query: ParsedQuery,
    *,
    staff: bool,
    scope: Scope,
    now: int,
    any_word: bool,
    window: Window | None,
    join: str,
    cond: str,
    tail_params: list[object],
) -> tuple[str, list[object]]:
    tsq = ts_query(query, staff=staff, any_word=any_word)
    match, match_params = "doc.tsv @@ %s::tsquery ", list[object]([tsq])
    if scope.within is not None:
        # A customer's few documents, each looked up by primary key and checked; the index
        # would read every match in the table first (the planner cannot tell how few are theirs).
        match = "doc.id = ANY(%s) AND ts_match_vq(doc.tsv, %s::tsquery) "
        match_params = [list(scope.within), tsq]
    elif window is not None:
        lead = ts_query(window.lead or query, staff=staff, any_word=any_word)
        # The lead word's GIN lookup and the id range are intersected as two bitmaps before a
        # row is read; the whole query, as a function the index cannot serve, checks the rows.
        # (Given the whole query, the planner would multiply its words' shares, expect a
        # handful of rows and read every match of them instead.)
        match, match_params = "doc.tsv @@ %s::tsquery AND doc.id >= %s ", [lead, window.floor]
        if lead != tsq and not any_word:  # with any word, the lead's matches all qualify
            match += "AND ts_match_vq(doc.tsv, %s::tsquery) "
            match_params.append(tsq)
    sql = (
        "SELECT doc.id, doc.kind, doc.obj_id, "  # noqa: S608
        f"ts_rank(doc.tsv, %s::tsquery) * {BOOST} AS score "
        f"FROM search_searchdocument doc {join} "
        f"WHERE {match}AND {cond} "
        "ORDER BY score DESC, doc.id DESC LIMIT %s OFFSET %s"
    )
    return sql, [tsq, now, *match_params, *tail_params]


def candidate_window(
    query: ParsedQuery, *, staff: bool, cap: int, any_word: bool = False
) -> Window | None:
    """When far more than ``cap`` documents match, where about the newest ``cap`` of them
    start (else None).

    Ranking costs microseconds per matching row (bm25, or ``ts_rank`` reading each row's
    vector), so a word found in a tenth of a million tickets costs a third of a second to rank
    in full. Such a query ranks the newest ``cap`` matches instead (document ids follow the
    order documents were first indexed: new tickets come last). A second word narrows the
    matches below the cap and brings the full ranking back; the caller also widens the window
    when it leaves too few visible results.

    - SQLite: FTS5 walks a term's rows newest first almost for free: the exact ``cap``-th
      newest match.
    - PostgreSQL: the planner's estimate of the matches (``_pg_estimate``) gives the share
      of documents that match; the window is the newest ``cap / share`` documents.
    """
    if cap <= 0:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            estimate, lead = _pg_estimate(query, staff=staff, any_word=any_word)
            if estimate <= cap:
                return None
            cursor.execute("SELECT MAX(id), MIN(id) FROM search_searchdocument")
            top, bottom = cursor.fetchone()
            if top is None:
                return None
            span = int((top - bottom + 1) * cap / estimate)
            return Window(int(top) - span, lead) if span < top - bottom else None
        cursor.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
            "ORDER BY rowid DESC LIMIT 1 OFFSET %s",
            [fts5_match(query, staff=staff, any_word=any_word), cap - 1],
        )
        row = cursor.fetchone()
    return Window(int(row[0])) if row else None


# Documents sharing any word with a text (similar tickets) are looked up by this many of the
# text's rarest words: the common ones (无法, 提示, 电脑) match most of the index and say little.
RELATED_LEAD_WORDS = 6


def _pg_estimate(query: ParsedQuery, *, staff: bool, any_word: bool) -> tuple[float, ParsedQuery]:
    """PostgreSQL: about how many documents match, and the part of the query to look up first,
    from the planner's lexeme statistics (one ``EXPLAIN``, nothing read).

    For words that must all match (a phrase's words too), the estimate of the rarest word
    alone: the planner multiplies the words' shares as if they were independent, and words of
    one problem (错误 and 809, VPN and 断开) come together far more often than that. When any
    word may match, the ``RELATED_LEAD_WORDS`` rarest words lead (their estimates summed), so
    the window reaches back as far as those words' newest matches and not just a day or two.
    """
    if any_word:
        parts = [ParsedQuery((term,)) for term in query.terms]
    else:
        parts = [
            ParsedQuery((Term((token,), prefix=term.prefix and i == len(term.tokens) - 1),))
            for term in query.terms
            for i, token in enumerate(term.tokens)
        ]
    sql = " UNION ALL ".join(
        ["SELECT 1 FROM search_searchdocument doc WHERE doc.tsv @@ %s::tsquery"] * len(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", [ts_query(p, staff=staff) for p in parts])
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    nodes = top["Plans"] if len(parts) > 1 else [top]
    estimates = [float(node["Plan Rows"]) for node in nodes]
    order = sorted(range(len(parts)), key=estimates.__getitem__)
    if any_word:
        rarest = sorted(order[:RELATED_LEAD_WORDS])  # in the text's order
        lead = ParsedQuery(tuple(parts[i].terms[0] for i in rarest))
        return sum(estimates[i] for i in rarest), lead
    return estimates[order[0]], parts[order[0]]
