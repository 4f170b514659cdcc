"""Saved views: a named workspace list (filters, sort, columns), personal or shared.

Anyone on staff keeps personal views. Supervisors and admins may share a view with a team (its
members see it in their sidebar) or with everyone on staff. Only the owner changes or deletes a
view, and an admin any shared one. Shared views are audited (others rely on them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.accounts.choices import MANAGER_ROLES, Role
from gongdan.accounts.models import Team, User
from gongdan.accounts.policies import has_role
from gongdan.audit.services import audit_record
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.tickets.columns import COLUMNS, REQUIRED_COLUMNS
from gongdan.tickets.models import SavedView
from gongdan.tickets.selectors import saved_view_get
from gongdan.tickets.services._common import require_staff
from gongdan.tickets.view_filters import (
    clean_view_filters,
    filters_from_query,
    query_from_filters,
)

NAME_MAX = 60
QUERY_MAX = 1000
# Paging state is not part of a view: a saved view always opens on its first page.
_DROPPED_KEYS = {"cursor", "saved"}
UNSET: Any = object()
Visibility = SavedView.Visibility


def _clean_query(query: str) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)
        if k not in _DROPPED_KEYS
    ]
    cleaned = urlencode(pairs)
    if len(cleaned) > QUERY_MAX:
        message = _("These filters are too long to save.")
        raise ValidationFailed("saved_view.invalid", message, fields={"query": message})
    return cleaned


def _clean_name(name: str) -> str:
    name = (name or "").replace("\x00", "").strip()
    if not name or len(name) > NAME_MAX:
        message = _("Enter a name of at most %(max)d characters.") % {"max": NAME_MAX}
        raise ValidationFailed("saved_view.invalid", message, fields={"name": message})
    return name


def clean_columns(columns: Sequence[str] | None) -> list[str]:
    """Known column keys in the order given (empty: the default columns); unknown: 422."""
    keys = list(dict.fromkeys(str(c) for c in (columns or ())))
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        message = _("Unknown column “%(name)s”. Choose from: %(names)s.") % {
            "name": unknown[0][:40],
            "names": ", ".join(COLUMNS),
        }
        raise ValidationFailed("view.unknown_column", message, fields={"columns": message})
    if keys:
        keys = [k for k in REQUIRED_COLUMNS if k not in keys] + keys
    return keys


def _sharing(actor: User, visibility: str, team: Team | None) -> tuple[str, Team | None]:
    if visibility not in Visibility.values:
        message = _("Choose who sees this view.")
        raise ValidationFailed("view.invalid_visibility", message, fields={"visibility": message})
    if visibility == Visibility.PERSONAL:
        return visibility, None
    if not has_role(actor, *MANAGER_ROLES):
        raise Forbidden(
            "view.share_forbidden",
            _("Only supervisors and administrators may share views with a team or everyone."),
        )
    if visibility == Visibility.TEAM and team is None:
        message = _("Choose the team to share this view with.")
        raise ValidationFailed("view.team_required", message, fields={"team": message})
    return visibility, team if visibility == Visibility.TEAM else None


def _check_unique(actor: User, name: str, exclude: int | None = None) -> None:
    qs = SavedView.objects.filter(user=actor, name=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        message = _("You already have a view with this name.")
        raise ValidationFailed("saved_view.exists", message, fields={"name": message})


def _query(query: str | None, filters: Mapping[str, Any] | None, sort: str | None) -> str:
    """The stored query string: checked ``filters`` (API) or the workspace's ``query``."""
    if filters is None and query is not None:
        return _clean_query(query)
    cleaned = clean_view_filters({**(filters or {}), **({"sort": sort} if sort else {})})
    return _clean_query(query_from_filters(cleaned))


def _audit(actor: User, action: str, view: SavedView) -> None:
    if view.is_shared:
        data = {"name": view.name, "visibility": view.visibility, "team": view.team_id}
        audit_record(actor=actor, action=action, obj=view, data=data)


def saved_view_create(
    *,
    actor: User,
    name: str,
    query: str | None = None,
    filters: Mapping[str, Any] | None = None,
    sort: str | None = None,
    columns: Sequence[str] | None = None,
    visibility: str = Visibility.PERSONAL,
    team: Team | None = None,
) -> SavedView:
    """Save a list under ``name`` (names unique per owner).

    From the workspace: ``query`` is the list's query string as it is. From the API: ``filters``
    (and ``sort``) are checked like ``tickets_list``'s parameters — an unknown filter is 422
    ``view.unknown_filter``. Sharing (``visibility`` team/everyone) is for supervisors and
    admins (403 ``view.share_forbidden``).
    """
    require_staff(actor)
    name = _clean_name(name)
    stored = _query(query, filters, sort)
    visibility, team = _sharing(actor, visibility, team)
    keys = clean_columns(columns)
    with transaction.atomic():
        _check_unique(actor, name)
        view = SavedView.objects.create(
            user=actor, name=name, query=stored, columns=keys, visibility=visibility, team=team
        )
        _audit(actor, "saved_view.created", view)
    return view


def _editable(actor: User, pk: int) -> SavedView:
    """A view the actor may change: their own, or (admins) any shared one. One they cannot see
    is ``NotFound``; one they see but may not change ``Forbidden``."""
    require_staff(actor)
    view = saved_view_get(user=actor, pk=pk)
    if view.user_id == actor.pk or (view.is_shared and has_role(actor, Role.ADMIN)):
        return view
    raise Forbidden("view.not_owner", _("Only the owner of this view may change it."))


def saved_view_update(
    *,
    actor: User,
    pk: int,
    name: str = UNSET,
    filters: Mapping[str, Any] | None = UNSET,
    sort: str | None = UNSET,
    columns: Sequence[str] | None = UNSET,
    visibility: str = UNSET,
    team: Team | None = UNSET,
) -> SavedView:
    """Change some parts of a view (same checks as :func:`saved_view_create`)."""
    view = _editable(actor, pk)
    with transaction.atomic():
        view = (
            SavedView.objects.select_for_update(of=("self",)).select_related("team").get(pk=view.pk)
        )
        if name is not UNSET:
            view.name = _clean_name(name)
            _check_unique(view.user, view.name, exclude=view.pk)
        if filters is not UNSET or sort is not UNSET:
            current = filters_from_query(view.query)
            base = dict(current) if filters is UNSET else dict(filters or {})
            chosen = base.pop("sort", None) or current.get("sort") if sort is UNSET else sort
            base.pop("sort", None)
            view.query = _query(None, base, chosen)
        if columns is not UNSET:
            view.columns = clean_columns(columns)
        if visibility is not UNSET or team is not UNSET:
            wanted = view.visibility if visibility is UNSET else visibility
            chosen = view.team if team is UNSET else team
            view.visibility, view.team = _sharing(actor, wanted, chosen)
        view.save()
        _audit(actor, "saved_view.updated", view)
    return view


def saved_view_delete(*, actor: User, pk: int) -> None:
    """Delete a view the actor may change; one they cannot see is ``NotFound``."""
    view = _editable(actor, pk)
    with transaction.atomic():
        _audit(actor, "saved_view.deleted", view)
        SavedView.objects.filter(pk=view.pk).delete()


def saved_view_set_columns(*, actor: User, pk: int, columns: Sequence[str]) -> SavedView:
    """The column chooser on a saved view (the owner's; others get ``Forbidden``)."""
    return saved_view_update(actor=actor, pk=pk, columns=columns)
