"""API shapes for the knowledge base."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from gongdan.core.api_support import InputSchema

StatusName = Literal["draft", "review", "published", "archived"]
VisibilityName = Literal["public", "internal", "organizations"]
LanguageName = Literal["zh-hans", "en"]
# Ids fit a 64-bit integer (larger ones cannot be sent to the database at all).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class CategoryOut(Schema):
    id: int
    name: str
    name_en: str
    parent_id: int | None
    position: int


class CategoryIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    name_en: Annotated[str, Field(max_length=100)] = ""
    parent: Id | None = None
    position: Annotated[int, Field(ge=0, le=100_000)] = 0


class CategoryPatch(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    name_en: Annotated[str, Field(max_length=100)] | None = None
    parent: Id | None = None
    position: Annotated[int, Field(ge=0, le=100_000)] | None = None


class ArticleSummaryOut(Schema):
    id: int
    group_id: int
    language: str
    title: str
    status: str
    visibility: str
    category_id: int | None
    updated_at: datetime
    published_at: datetime | None
    url: str


class ArticleFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    is_image: bool
    url: str = Field(description="Download it through the API (``knowledge_files_download``).")
    embed_url: str = Field(
        description="The site's address of the file, for the Markdown body: ![name](embed_url)."
    )


class ArticleOut(ArticleSummaryOut):
    body: str = Field(description="Markdown source (staff only; empty for customers).")
    body_html: str = Field(description="Sanitised HTML rendering of the body.")
    tags: list[str]
    organization_ids: list[int]
    team_id: int | None
    review_by: date | None
    version: int
    view_count: int
    variants: list[int] = Field(description="Ids of the other language variants you may read.")
    files: list[ArticleFileOut] = Field(description="Images and attachments of the article.")


class ArticlePage(Schema):
    items: list[ArticleSummaryOut]
    next_cursor: str | None


class ArticleIn(InputSchema):
    title: Annotated[str, Field(max_length=200)]
    body: Annotated[str, Field(max_length=100_000)] = ""
    language: LanguageName = "zh-hans"
    category: Id | None = None
    tags: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=30)
    visibility: VisibilityName = "internal"
    organizations: list[Id] = Field(default_factory=list, max_length=200)
    team: Id | None = None
    review_by: date | None = None
    variant_of: Id | None = Field(
        default=None, description="Another article: this one is its variant in `language`."
    )


class ArticlePatch(InputSchema):
    title: Annotated[str, Field(max_length=200)] | None = None
    body: Annotated[str, Field(max_length=100_000)] | None = None
    category: Id | None = None
    tags: list[Annotated[str, Field(max_length=50)]] | None = Field(default=None, max_length=30)
    visibility: VisibilityName | None = None
    organizations: list[Id] | None = Field(default=None, max_length=200)
    team: Id | None = None
    review_by: date | None = None
    note: Annotated[str, Field(max_length=200)] = ""
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The version you edited (409 if stale)."
    )


class TransitionIn(InputSchema):
    to: StatusName


class RestoreIn(InputSchema):
    revision: Annotated[int, Field(ge=1, le=2**31 - 1)]


class RevisionOut(Schema):
    number: int
    title: str
    body: str
    author: str
    note: str
    created_at: datetime


class DiffLineOut(Schema):
    kind: Literal[" ", "+", "-", "@"]
    text: str


class RevisionsOut(Schema):
    items: list[RevisionOut]
    diff: list[DiffLineOut] = Field(description="Between `old` and `new` when both are given.")


class RevisionsQuery(Schema):
    old: int | None = Field(default=None, ge=1, le=2**31 - 1)
    new: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ArticleListQuery(Schema):
    status: StatusName | None = None
    category: Id | None = None
    language: LanguageName | None = None
    cursor: str | None = Field(default=None, max_length=500)
    size: int = Field(default=25, ge=1, le=100)


class FeedbackIn(InputSchema):
    helpful: bool
    comment: Annotated[str, Field(max_length=1000)] = ""


class FeedbackOut(Schema):
    id: int
    helpful: bool
    comment: str


class SuggestQuery(Schema):
    text: str = Field(min_length=1, max_length=2000)
    limit: int = Field(default=5, ge=1, le=20)


class SuggestionOut(Schema):
    id: int
    title: str
    language: str
    url: str


class SuggestOut(Schema):
    items: list[SuggestionOut]
