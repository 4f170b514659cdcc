"""API shapes for users, teams and the caller's own profile."""

from __future__ import annotations

from datetime import datetime
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


class UserDetailOut(UserOut):
    teams: list[TeamRef]
    last_login: datetime | None
    date_joined: datetime


class UserInvite(InputSchema):
    email: Annotated[str, Field(min_length=3, max_length=254)]
    role: Role
    display_name: Annotated[str, Field(max_length=100)] = ""
    language: Language | None = None
    teams: list[int] = Field(
        default_factory=list, max_length=50, description="Ids of the teams the user joins."
    )


class UserPatch(InputSchema):
    role: Role | None = None
    display_name: Annotated[str, Field(max_length=100)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    mobile: Annotated[str, Field(max_length=20)] | None = None
    language: Language | None = None
    teams: list[int] | None = Field(
        default=None, max_length=50, description="Ids of all the user's teams (replaces them)."
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
    group: str
    description: str
    lead: UserRef | None
    is_active: bool


class TeamDetailOut(TeamOut):
    members: list[UserRef]


class TeamIn(InputSchema):
    code: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: TeamKind = TeamKind.FUNCTION
    group: Annotated[str, Field(max_length=50)] = ""
    description: Annotated[str, Field(max_length=2000)] = ""
    lead: int | None = Field(default=None, description="Id of the team lead (a staff user).")
    members: list[int] = Field(
        default_factory=list, max_length=200, description="Ids of the members (staff users)."
    )


class TeamPatch(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    kind: TeamKind | None = None
    group: Annotated[str, Field(max_length=50)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    lead: int | None = Field(
        default=None, description="Id of the new team lead; 0 removes the lead."
    )
    members: list[int] | None = Field(
        default=None, max_length=200, description="Ids of all the members (replaces them)."
    )
    is_active: bool | None = None


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None
    prev_cursor: str | None
