"""Writes for the desk's reference data: ticket types and ticket categories (administrators).

Both are read on every ticket creation through the per-process cache in ``tickets.refdata``,
which saves of types drop at once (other processes within its TTL).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Team, User
from gongdan.audit.services import audit_record
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.tickets import refdata
from gongdan.tickets.models import Category, TicketType

TYPE_FIELDS = ("code", "name", "name_en", "description", "is_onsite", "is_active", "sort_order")
CATEGORY_FIELDS = ("name", "name_en", "is_active", "sort_order")


def require_admin(actor: User) -> None:
    """Reference data is the administrators' (before any id is looked up)."""
    if actor.role != Role.ADMIN:
        raise Forbidden("permission.admin_only", _("Only administrators may do this."))


def _clean(obj: TicketType | Category, code: str) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
        raise ValidationFailed(code, next(iter(fields.values())), fields=fields) from exc


def _apply(obj: Any, names: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    """Set the given plain fields (text trimmed); returns what changed, for the audit."""
    changed = {}
    for name in names:
        if name not in values:
            continue
        value = values[name]
        value = (
            " ".join(value.split()) if isinstance(value, str) and name != "description" else value
        )
        if getattr(obj, name) != value:
            changed[name] = value
            setattr(obj, name, value)
    return changed


# --- Ticket types --------------------------------------------------------------------------------
def _check_type_code(ticket_type: TicketType) -> None:
    duplicate = TicketType.objects.filter(code=ticket_type.code).exclude(pk=ticket_type.pk)
    if ticket_type.code and duplicate.exists():
        message = _("A ticket type with this code already exists.")
        raise ValidationFailed("ticket_type.exists", message, fields={"code": message})


def ticket_type_create(
    *, actor: User, code: str, name: str, default_team: Team | None = None, **values: Any
) -> TicketType:
    """A new ticket type (administrators). ``values``: ``name_en``, ``description``,
    ``is_onsite``, ``is_active``, ``sort_order``. A duplicate code is 422 ``ticket_type.exists``;
    other bad fields 422 ``ticket_type.invalid``. Audited as ``ticket_type.created``."""
    require_admin(actor)
    ticket_type = TicketType(default_team=default_team)
    _apply(ticket_type, TYPE_FIELDS, {**values, "code": code, "name": name})
    _check_type_code(ticket_type)
    _clean(ticket_type, "ticket_type.invalid")
    with transaction.atomic():
        ticket_type.save()
        audit_record(
            actor=actor, action="ticket_type.created", obj=ticket_type, data={"code": code}
        )
    refdata.invalidate()
    return ticket_type


def ticket_type_update(*, actor: User, ticket_type: TicketType, **values: Any) -> TicketType:
    """Change the fields given (``default_team`` None: no default team). Same checks as
    :func:`ticket_type_create`; nothing is saved when one fails. Audited as
    ``ticket_type.updated`` with what changed."""
    require_admin(actor)
    changed = _apply(ticket_type, TYPE_FIELDS, values)
    if "default_team" in values and values["default_team"] != ticket_type.default_team:
        ticket_type.default_team = values["default_team"]
        team = values["default_team"]
        changed["default_team"] = team.pk if team is not None else None
    try:
        _check_type_code(ticket_type)
        _clean(ticket_type, "ticket_type.invalid")
    except ValidationFailed:
        ticket_type.refresh_from_db()
        raise
    with transaction.atomic():
        ticket_type.save()
        audit_record(
            actor=actor, action="ticket_type.updated", obj=ticket_type, data={"changed": changed}
        )
    refdata.invalidate()
    return ticket_type


# --- Categories ----------------------------------------------------------------------------------
def _check_category(category: Category) -> None:
    siblings = Category.objects.filter(parent=category.parent, name=category.name)
    if category.name and siblings.exclude(pk=category.pk).exists():
        message = _("A category with this name already exists here.")
        raise ValidationFailed("category.exists", message, fields={"name": message})
    ancestor = category.parent
    while ancestor is not None and category.pk is not None:
        if ancestor.pk == category.pk:
            message = _("A category cannot sit under itself.")
            raise ValidationFailed("category.cycle", message, fields={"parent": message})
        ancestor = ancestor.parent


def category_create(
    *,
    actor: User,
    name: str,
    parent: Category | None = None,
    ticket_type: TicketType | None = None,
    **values: Any,
) -> Category:
    """A new category (administrators) under ``parent``, for every type or only ``ticket_type``.
    ``values``: ``name_en``, ``is_active``, ``sort_order``. The same name twice under one parent
    is 422 ``category.exists``. Audited as ``category.created``."""
    require_admin(actor)
    category = Category(parent=parent, ticket_type=ticket_type)
    _apply(category, CATEGORY_FIELDS, {**values, "name": name})
    _check_category(category)
    _clean(category, "category.invalid")
    with transaction.atomic():
        category.save()
        audit_record(
            actor=actor, action="category.created", obj=category, data={"name": category.name}
        )
    return category


def category_update(*, actor: User, category: Category, **values: Any) -> Category:
    """Change the fields given (``parent`` / ``ticket_type`` None: top level / every type). A
    parent below the category itself is 422 ``category.cycle``; nothing is saved when a check
    fails. Audited as ``category.updated`` with what changed."""
    require_admin(actor)
    changed = _apply(category, CATEGORY_FIELDS, values)
    for name in ("parent", "ticket_type"):
        if name in values and values[name] != getattr(category, name):
            setattr(category, name, values[name])
            changed[name] = values[name].pk if values[name] is not None else None
    try:
        _check_category(category)
        _clean(category, "category.invalid")
    except ValidationFailed:
        category.refresh_from_db()
        raise
    with transaction.atomic():
        category.save()
        audit_record(
            actor=actor, action="category.updated", obj=category, data={"changed": changed}
        )
    return category
