"""/api/v1/ticket-types and /api/v1/categories: the desk's reference data.

Everyone signed in lists what they may use (customers: the active types and categories they may
pick when opening a ticket); administrators create and change them through the services.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team
from gongdan.accounts.schemas import TeamRef
from gongdan.core.api_support import ERRORS, InputSchema, pick
from gongdan.core.errors import NotFound
from gongdan.tickets import policies, selectors, services
from gongdan.tickets.models import Category, TicketType

router = Router(tags=["reference data"])

Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
NameEn = Annotated[str, Field(max_length=100)]
SortOrder = Annotated[int, Field(ge=0, le=32767)]


def _not_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null_not_allowed", str(_("This field may not be null.")))
    return value


class TicketTypeOut(Schema):
    id: int
    code: str
    name: str = Field(description="Chinese name.")
    name_en: str
    label: str = Field(description="The name in the reader's language.")
    description: str
    is_onsite: bool
    is_active: bool
    sort_order: int
    default_team: TeamRef | None = Field(description="Staff only; null for customers.")

    @staticmethod
    def resolve_label(obj: TicketType) -> str:
        return obj.label

    @staticmethod
    def resolve_default_team(obj: TicketType, context: dict[str, Any] | None) -> Team | None:
        user = getattr((context or {}).get("request"), "auth", None)
        return obj.default_team if user is not None and policies.is_staff_user(user) else None


class TicketTypeIn(InputSchema):
    code: Code
    name: Name
    name_en: NameEn = ""
    description: Annotated[str, Field(max_length=2000)] = ""
    is_onsite: bool = False
    is_active: bool = True
    sort_order: SortOrder = 0
    default_team: int | None = Field(default=None, description="Team id for new tickets.")


class TicketTypePatch(InputSchema):
    """Only the fields sent change; ``default_team`` accepts null."""

    code: Code | None = None
    name: Name | None = None
    name_en: NameEn | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    is_onsite: bool | None = None
    is_active: bool | None = None
    sort_order: SortOrder | None = None
    default_team: int | None = None

    @field_validator(
        "code", "name", "name_en", "description", "is_onsite", "is_active", "sort_order"
    )
    @classmethod
    def _present(cls, value: Any) -> Any:
        return _not_null(value)


class TicketCategoryOut(Schema):
    id: int
    name: str = Field(description="Chinese name.")
    name_en: str
    label: str = Field(description="The name in the reader's language.")
    parent: int | None = Field(validation_alias="parent_id")
    ticket_type: int | None = Field(
        validation_alias="ticket_type_id", description="Only for this type (null: every type)."
    )
    is_active: bool
    sort_order: int

    @staticmethod
    def resolve_label(obj: Category) -> str:
        return obj.label


class TicketCategoryListQuery(Schema):
    ticket_type: int | None = Field(
        default=None, description="Only the categories that fit this type id."
    )


class TicketCategoryIn(InputSchema):
    name: Name
    name_en: NameEn = ""
    parent: int | None = None
    ticket_type: int | None = None
    is_active: bool = True
    sort_order: SortOrder = 0


class TicketCategoryPatch(InputSchema):
    """Only the fields sent change; ``parent`` and ``ticket_type`` accept null."""

    name: Name | None = None
    name_en: NameEn | None = None
    parent: int | None = None
    ticket_type: int | None = None
    is_active: bool | None = None
    sort_order: SortOrder | None = None

    @field_validator("name", "name_en", "is_active", "sort_order")
    @classmethod
    def _present(cls, value: Any) -> Any:
        return _not_null(value)


def _admin_refs(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Ids → rows (422 ``invalid_reference``), after the admin check: nobody else learns
    which ids exist."""
    actor = api_user(request)
    services.require_admin(actor)
    sources: dict[str, Any] = {
        "default_team": Team.objects.all(),
        "parent": Category.objects.all(),
        "ticket_type": TicketType.objects.all(),
    }
    return {
        key: pick(sources[key], value, field=key) if key in sources else value
        for key, value in data.items()
    }


@router.get(
    "/ticket-types", response={200: list[TicketTypeOut], **ERRORS}, operation_id="ticket_types_list"
)
def ticket_types_list(request: HttpRequest) -> list[TicketType]:
    """Ticket types in the admins' order: all for staff, the active ones for customers."""
    return list(selectors.ticket_type_list(user=api_user(request)))


@router.post(
    "/ticket-types", response={201: TicketTypeOut, **ERRORS}, operation_id="ticket_types_create"
)
def ticket_types_create(request: HttpRequest, payload: TicketTypeIn) -> Status[TicketType]:
    """A new type (administrators); a code already used is 422 ``ticket_type.exists``."""
    values = _admin_refs(request, payload.model_dump())
    return Status(201, services.ticket_type_create(actor=api_user(request), **values))


@router.patch(
    "/ticket-types/{type_id}",
    response={200: TicketTypeOut, **ERRORS},
    operation_id="ticket_types_update",
)
def ticket_types_update(request: HttpRequest, type_id: int, payload: TicketTypePatch) -> TicketType:
    """Change the fields sent (administrators). Deactivate a type rather than delete it."""
    values = _admin_refs(request, payload.model_dump(exclude_unset=True))
    ticket_type = TicketType.objects.filter(pk=type_id).first()
    if ticket_type is None:
        raise NotFound("ticket_type.not_found", _("Ticket type not found."))
    return services.ticket_type_update(actor=api_user(request), ticket_type=ticket_type, **values)


@router.get(
    "/categories", response={200: list[TicketCategoryOut], **ERRORS}, operation_id="categories_list"
)
def categories_list(request: HttpRequest, query: Query[TicketCategoryListQuery]) -> list[Category]:
    """Ticket categories in the admins' order: all for staff, the active ones for customers."""
    user = api_user(request)
    return list(selectors.category_list(user=user, ticket_type=query.ticket_type))


@router.post(
    "/categories", response={201: TicketCategoryOut, **ERRORS}, operation_id="categories_create"
)
def categories_create(request: HttpRequest, payload: TicketCategoryIn) -> Status[Category]:
    """A new category (administrators); the same name twice under one parent is 422
    ``category.exists``."""
    values = _admin_refs(request, payload.model_dump())
    return Status(201, services.category_create(actor=api_user(request), **values))


@router.patch(
    "/categories/{category_id}",
    response={200: TicketCategoryOut, **ERRORS},
    operation_id="categories_update",
)
def categories_update(
    request: HttpRequest, category_id: int, payload: TicketCategoryPatch
) -> Category:
    """Change the fields sent (administrators); a parent below itself is 422
    ``category.cycle``."""
    values = _admin_refs(request, payload.model_dump(exclude_unset=True))
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound("category.not_found", _("Category not found."))
    return services.category_update(actor=api_user(request), category=category, **values)
