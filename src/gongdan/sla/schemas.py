from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from gongdan.core.api_support import InputSchema


class PreviewTargets(InputSchema):
    first_response: int | None = Field(default=None, description="Minutes.")
    next_response: int | None = Field(default=None, description="Minutes.")
    resolution: int | None = Field(default=None, description="Minutes.")


class PreviewIn(InputSchema):
    start: datetime = Field(description="ISO 8601; without an offset, the calendar's local time.")
    policy: int | None = Field(default=None, description="An SLA policy id (its targets and mode).")
    targets: PreviewTargets | None = None
    mode: Literal["business", "calendar"] = "business"
    calendar: str = Field(default="", description="Calendar code (default: the default calendar).")


class DueOut(Schema):
    target: str
    minutes: int
    due_at: datetime


class PreviewOut(Schema):
    calendar: str | None
    mode: Literal["business", "calendar"]
    start: datetime
    dues: list[DueOut]
