"""/api/v1/search: full-text search over what the caller may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from gongdan.accounts.api_auth import api_user
from gongdan.core.api_support import ERRORS
from gongdan.search import selectors
from gongdan.search.schemas import SearchOut, SearchQuery

router = Router(tags=["search"])


@router.get("/search", response={200: SearchOut, **ERRORS}, operation_id="search_query")
def search_query(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Tickets (and, for staff, organizations, contacts and users) matching every word of ``q``.

    Customers see only tickets they may see, and never text from internal notes. Results are
    best first (relevance with a recency boost); page with ``offset`` / ``next_offset``.
    """
    filters = selectors.SearchFilters(
        **query.model_dump(include={"ticket_type", "team", "organization"}),
        status=[str(s) for s in query.status],
        created_from=query.created_from,
        created_to=query.created_to,
    )
    result = selectors.search(
        user=api_user(request),
        q=query.q,
        kind=query.kind,
        filters=filters,
        limit=query.limit,
        offset=query.offset,
        typing=False,
    )
    jump = result.jump
    return {
        "query": result.query,
        "jump": (
            {"kind": jump.kind, "id": jump.obj_id, "label": jump.label, "url": jump.url}
            if jump
            else None
        ),
        "items": [
            {
                "kind": h.kind,
                "id": h.obj_id,
                "title": h.title,
                "number": h.number,
                "status": h.status,
                "snippet": str(h.snippet),
                "in_internal_note": h.in_internal_note,
                "score": round(h.score, 6),
                "url": h.url,
            }
            for h in result.hits
        ],
        "next_offset": result.next_offset,
    }
