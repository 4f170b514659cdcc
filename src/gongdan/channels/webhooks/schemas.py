from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from gongdan.core.api_support import InputSchema, PageQuery


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    include_internal: bool
    is_active: bool
    secret: str = Field(description="Masked; shown in full only in the create response.")
    consecutive_failures: int
    disabled_at: datetime | None
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    pass


class WebhookIn(InputSchema):
    name: str = Field(max_length=100)
    url: str = Field(max_length=500)
    event_types: list[str] = Field(max_length=20)
    secret: str = Field(
        default="", max_length=200, description="16–200 characters; generated when empty."
    )
    include_internal: bool = Field(default=False, description="Also send internal notes.")
    is_active: bool = True


class WebhookPatch(InputSchema):
    name: str | None = Field(default=None, max_length=100)
    url: str | None = Field(default=None, max_length=500)
    event_types: list[str] | None = Field(default=None, max_length=20)
    secret: str | None = Field(default=None, max_length=200, description="A new secret.")
    include_internal: bool | None = None
    is_active: bool | None = Field(default=None, description="true also clears the failures.")


class DeliveryOut(Schema):
    id: int
    delivery_id: UUID
    event_id: str
    event_type: str
    attempt: int
    manual: bool
    status: str
    status_code: int | None
    response_excerpt: str
    error: str
    duration_ms: int | None
    created_at: datetime
    scheduled_at: datetime
    next_retry_at: datetime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None
    prev_cursor: str | None


class DeliveryQuery(PageQuery):
    pass
