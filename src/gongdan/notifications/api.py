"""/api/v1/notifications: the caller's own notifications and preferences, nobody else's."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team
from gongdan.core.api_support import ERRORS, paginate
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.notifications import selectors, services
from gongdan.notifications.choices import STAFF_KINDS, ChannelName, Kind
from gongdan.notifications.presenters import notification_text
from gongdan.notifications.schemas import (
    MarkedOut,
    NotificationPage,
    NotificationQuery,
    PreferenceOut,
    PreferencesIn,
)

router = Router(tags=["notifications"])


@router.get(
    "/notifications",
    response={200: NotificationPage, **ERRORS},
    operation_id="notifications_list",
)
def notifications_list(request: HttpRequest, query: Query[NotificationQuery]) -> dict[str, Any]:
    """My notifications, newest first (``unread=true`` for the unread ones), keyset-paged."""
    user = api_user(request)
    qs = selectors.notification_list(user=user, unread_only=query.unread)
    page = paginate(qs, ordering=["-id"], size=query.size, cursor=query.cursor)
    return {
        "items": [
            {
                "id": n.pk,
                "kind": n.kind,
                "text": notification_text(n),
                "ticket": n.data.get("number"),
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in page.items
        ],
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
        "unread": selectors.unread_count(user=user),
    }


@router.post(
    "/notifications/{notification_id}/read",
    response={200: MarkedOut, **ERRORS},
    operation_id="notifications_mark_read",
)
def notifications_mark_read(request: HttpRequest, notification_id: int) -> dict[str, int]:
    """Mark one of my notifications read (404 for anyone else's)."""
    if not services.notification_mark_read(user=api_user(request), notification_id=notification_id):
        raise NotFound("notification.not_found", _("No such notification."))
    return {"marked": 1}


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, **ERRORS},
    operation_id="notifications_mark_all_read",
)
def notifications_mark_all_read(request: HttpRequest) -> dict[str, int]:
    """Mark all my notifications read."""
    return {"marked": services.notification_mark_all_read(user=api_user(request))}


def _preferences(request: HttpRequest) -> list[dict[str, Any]]:
    table = selectors.preference_table(user=api_user(request))
    return [
        {"kind": kind.value, "label": str(kind.label), "channel": str(channel), "enabled": on}
        for kind, cells in table
        for channel, on in cells
    ]


@router.get(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **ERRORS},
    operation_id="notifications_preferences_get",
)
def notifications_preferences_get(request: HttpRequest) -> list[dict[str, Any]]:
    """What I am told about, per kind and live channel."""
    return _preferences(request)


@router.put(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **ERRORS},
    operation_id="notifications_preferences_update",
)
def notifications_preferences_update(
    request: HttpRequest, payload: PreferencesIn
) -> list[dict[str, Any]]:
    """Turn kinds on or off per channel; unknown kinds or channels are a 422."""
    fields: dict[str, str] = {}
    for index, item in enumerate(payload.items):
        if item.kind not in Kind.values:
            fields[f"items.{index}.kind"] = _("Unknown notification kind.")
        if item.channel not in ChannelName.values:
            fields[f"items.{index}.channel"] = _("Unknown channel.")
    if fields:
        raise ValidationFailed("invalid", _("Please correct the marked fields."), fields=fields)
    services.preferences_set(
        user=api_user(request),
        choices={(item.kind, item.channel): item.enabled for item in payload.items},
    )
    return _preferences(request)


def _managed_team(request: HttpRequest, team_id: int) -> tuple[Any, Team]:
    user = api_user(request)
    return user, services.team_for_defaults(actor=user, team_id=team_id)


def _team_table(team: Team) -> list[dict[str, Any]]:
    off = services.team_defaults(team=team)
    return [
        {
            "kind": kind.value,
            "label": str(kind.label),
            "channel": channel,
            "enabled": (kind.value, channel) not in off,
        }
        for kind in STAFF_KINDS
        for channel in services.live_channels()
    ]


@router.get(
    "/notifications/teams/{team_id}/defaults",
    response={200: list[PreferenceOut], **ERRORS},
    operation_id="notifications_team_defaults_get",
)
def notifications_team_defaults_get(request: HttpRequest, team_id: int) -> list[dict[str, Any]]:
    """What a team's members are told by default, per kind and live channel (admins and the
    team's lead); a member's own preference wins over it."""
    _user, team = _managed_team(request, team_id)
    return _team_table(team)


@router.put(
    "/notifications/teams/{team_id}/defaults",
    response={200: list[PreferenceOut], **ERRORS},
    operation_id="notifications_team_defaults_update",
)
def notifications_team_defaults_update(
    request: HttpRequest, team_id: int, payload: PreferencesIn
) -> list[dict[str, Any]]:
    """Turn kinds on or off per channel for the team's members; pairs not listed keep their
    setting; staff kinds only (others are a 422)."""
    user, team = _managed_team(request, team_id)
    off = services.team_defaults(team=team)
    for item in payload.items:
        pair = (item.kind, item.channel)
        if item.enabled:
            off.discard(pair)
        else:
            off.add(pair)
    services.team_defaults_set(actor=user, team=team, off=off)
    return _team_table(team)
