from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from gongdan.core.api_support import InputSchema, PageQuery


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="The sentence, in the caller's language.")
    ticket: str | None = Field(description="Ticket number, when it is about a ticket.")
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    prev_cursor: str | None
    unread: int


class NotificationQuery(PageQuery):
    unread: bool = False


class MarkedOut(Schema):
    marked: int


class PreferenceItem(InputSchema):
    kind: str
    channel: str
    enabled: bool


class PreferenceOut(Schema):
    kind: str
    label: str
    channel: str
    enabled: bool


class PreferencesIn(InputSchema):
    items: list[PreferenceItem] = Field(max_length=200)
