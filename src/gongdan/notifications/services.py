"""The one place that decides who is told what, through which channel.

Call sites never send anything: they call ``notify`` (usually from an outbox subscriber, see
``subscribers.py``). ``notify`` drops the actor and inactive users, reads each recipient's
preferences, writes in-app notifications, and hands every other enabled channel to that channel's
background job. Channels other than in-app register themselves with ``register_channel`` when
their integration is configured (email, WeCom, DingTalk, Feishu, SMS, webhooks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongdan.accounts.models import User
from gongdan.core.events import enqueue_on_commit
from gongdan.core.orm import insert_rows
from gongdan.notifications.choices import ChannelName, Kind
from gongdan.notifications.models import Notification, NotificationPreference
from gongdan.tickets.models import Ticket

# channel name -> background job taking (user_id, kind, ticket_id, data)
_channels: dict[str, Callable[..., Any]] = {}


def register_channel(name: str, deliver: Callable[..., Any]) -> None:
    """Make ``name`` a live channel: ``deliver(user_id, kind, ticket_id, data)`` is a job."""
    if name not in ChannelName.values or name == ChannelName.IN_APP:
        raise ValueError(f"unknown or built-in channel {name!r}")
    _channels[name] = deliver


def live_channels() -> list[str]:
    return [ChannelName.IN_APP, *_channels]


def enabled_channels(user: User, kind: str, prefs: dict[tuple[str, str], bool]) -> list[str]:
    return [c for c in live_channels() if prefs.get((kind, c), True)]


def _audience(recipients: Iterable[User | None], actor: User | None) -> list[User]:
    """Active recipients, each once, without the actor."""
    seen: set[int] = {actor.pk} if actor is not None else set()
    users = []
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    return users


def notify(
    *,
    recipients: Iterable[User | None],
    kind: Kind | str,
    ticket: Ticket | None = None,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Tell ``recipients`` about ``kind`` (never the actor themself); returns in-app rows."""
    users = _audience(recipients, actor)
    if not users:
        return []
    kind = str(kind)
    prefs: dict[int, dict[tuple[str, str], bool]] = {u.pk: {} for u in users}
    for pref in NotificationPreference.objects.filter(user__in=users, kind=kind):
        prefs[pref.user_id][(pref.kind, pref.channel)] = pref.enabled
    payload = dict(data or {})
    if ticket is not None:
        payload.setdefault("number", ticket.number)
        payload.setdefault("title", ticket.title)
    label = (actor.display_name or actor.username) if actor is not None else ""
    outside = {**payload, "actor": label} if label else payload  # mail names who did it
    rows = []
    for user in users:
        channels = enabled_channels(user, kind, prefs[user.pk])
        if ChannelName.IN_APP in channels:
            rows.append(
                Notification(
                    recipient=user, kind=kind, ticket=ticket, actor_label=label, data=payload
                )
            )
        for channel in channels:
            if channel != ChannelName.IN_APP:
                enqueue_on_commit(
                    _channels[channel], user.pk, kind, ticket.pk if ticket else None, outside
                )
    return Notification.objects.bulk_create(rows)


def notify_many(
    requests: list[tuple[list[User | None], str, Ticket | None, dict[str, Any]]],
) -> int:
    """Many ``notify`` calls at once (sweeps): one preference query, one INSERT.

    Each request is ``(recipients, kind, ticket, data)``; there is no actor to leave out.
    """
    audiences = [(_audience(recipients, None), kind, t, d) for recipients, kind, t, d in requests]
    users = {u.pk: u for users, _k, _t, _d in audiences for u in users}
    kinds = {k for _u, k, _t, _d in audiences}
    prefs: dict[tuple[int, str, str], bool] = {
        (p.user_id, p.kind, p.channel): p.enabled
        for p in NotificationPreference.objects.filter(user_id__in=users, kind__in=kinds)
    }
    rows = []
    for people, kind, ticket, data in audiences:
        payload = dict(data)
        if ticket is not None:
            payload.setdefault("number", ticket.number)
            payload.setdefault("title", ticket.title)
        for user in people:
            mine = {(k, c): v for (uid, k, c), v in prefs.items() if uid == user.pk}
            for channel in enabled_channels(user, kind, mine):
                if channel == ChannelName.IN_APP:
                    rows.append(
                        Notification(recipient=user, kind=kind, ticket=ticket, data=payload)
                    )
                else:
                    enqueue_on_commit(
                        _channels[channel], user.pk, kind, ticket.pk if ticket else None, payload
                    )
    insert_rows(rows)
    return len(rows)


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False when there is no such row."""
    mine = Notification.objects.filter(pk=notification_id, recipient=user)
    if not mine.exists():
        return False
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    return True


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_set(*, user: User, choices: dict[tuple[str, str], bool]) -> None:
    """Save the user's choices ((kind, channel) -> enabled); unknown pairs are ignored."""
    valid = {(k, c) for k in Kind.values for c in ChannelName.values}
    with transaction.atomic():
        for (kind, channel), enabled in choices.items():
            if (kind, channel) not in valid:
                continue
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
            )
