from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema

from gongdan.tickets.choices import Status


class SearchQuery(Schema):
    """``GET /search`` parameters: the words, what to look for, ticket filters and paging."""

    q: str = Field(
        min_length=1,
        max_length=200,
        description='Words (all must match); "quoted phrases"; a ticket number, email or phone '
        "number also returns a jump to its record.",
    )
    kind: Literal["", "ticket", "organization", "contact", "user", "article"] = Field(
        default="",
        description="Empty: everything the caller may search (customers: their tickets and "
        "the knowledge articles they may read).",
    )
    status: list[Status] = Field(default_factory=list)
    ticket_type: int | None = None
    team: int | None = None
    organization: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    limit: int = Field(default=20, ge=1, le=50)
    offset: int = Field(default=0, ge=0, le=1000)


class JumpOut(Schema):
    kind: str
    id: int
    label: str
    url: str


class SearchHitOut(Schema):
    kind: str
    id: int
    title: str
    number: str | None = Field(description="Ticket number (tickets only).")
    status: str | None = Field(description="Ticket or article status (tickets and articles).")
    snippet: str = Field(description="Escaped HTML; the matched words are in <mark>.")
    in_internal_note: bool = Field(description="The words were found in an internal note.")
    score: float
    url: str


class SearchOut(Schema):
    query: str
    jump: JumpOut | None
    items: list[SearchHitOut]
    next_offset: int | None = Field(description="Pass as offset for the next page; null at end.")
