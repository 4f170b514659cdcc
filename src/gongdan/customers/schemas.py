"""API shapes for customer organizations and contacts."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from gongdan.core.api_support import InputSchema


class OrganizationRef(Schema):
    id: int
    code: str
    name: str


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    email_domains: str
    phone: str
    address: str
    is_active: bool


class OrganizationIn(InputSchema):
    code: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email_domains: Annotated[str, Field(max_length=500)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    address: Annotated[str, Field(max_length=300)] = ""
    notes: Annotated[str, Field(max_length=5000)] = ""


class OrganizationDetailOut(OrganizationOut):
    notes: str
    tier: str


class OrganizationPatch(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    email_domains: Annotated[str, Field(max_length=500)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    address: Annotated[str, Field(max_length=300)] | None = None
    notes: Annotated[str, Field(max_length=5000)] | None = None
    tier: Annotated[str, Field(max_length=30, pattern=r"^[-a-zA-Z0-9_]*$")] | None = None
    is_active: bool | None = None


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None
    prev_cursor: str | None


class ContactOut(Schema):
    id: int
    name: str
    email: str
    mobile: str
    organization: OrganizationRef | None
    is_org_admin: bool
    user_id: int | None


class ContactIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    email: Annotated[str, Field(max_length=254)] = ""
    mobile: Annotated[str, Field(max_length=20)] = ""
    organization: int | None = Field(default=None, description="Id of the organization.")
    is_org_admin: bool = False


class ContactPatch(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    mobile: Annotated[str, Field(max_length=20)] | None = None
    organization: int | None = Field(
        default=None, description="Id of the organization; 0 takes the contact out of it."
    )
    is_org_admin: bool | None = None


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None
    prev_cursor: str | None
