"""API shapes for users, teams and the caller's own profile."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from gongdan.accounts.choices import Language, Role, TeamKind
from gongdan.core.api_support import InputSchema


class UserRef(Schema):
    id: int
    username: str
    name: str


class TeamRef(Schema):
    id: int
    code: str
    name: str


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    name: str
    role: Role
    email: str
    mobile: str
    language: str
    is_active: bool


class UserIn(InputSchema):
    username: Annotated[str, Field(min_length=1, max_length=150)]
    role: Role
    password: Annotated[str, Field(max_length=128)] | None = None
    email: Annotated[str, Field(max_length=254)] = ""
    mobile: Annotated[str, Field(max_length=20)] = ""
    display_name: Annotated[str, Field(max_length=100)] = ""
    language: Language | None = None
    teams: list[int] = Field(
        default_factory=list, max_length=50, description="Ids of the teams the user joins."
    )


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None
    prev_cursor: str | None


class MeOut(UserOut):
    is_staff_member: bool
    teams: list[TeamRef]
    organization_id: int | None = None
    is_org_admin: bool = False


class TeamOut(Schema):
    id: int
    code: str
    name: str
    kind: TeamKind
    description: str
    lead: UserRef | None
    is_active: bool


class TeamIn(InputSchema):
    code: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: TeamKind = TeamKind.FUNCTION
    description: Annotated[str, Field(max_length=2000)] = ""
    lead: int | None = Field(default=None, description="Id of the team lead (a staff user).")


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None
    prev_cursor: str | None
