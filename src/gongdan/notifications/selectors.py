"""Reading notifications: always the signed-in user's own, never anyone else's."""

from __future__ import annotations

from django.db.models import QuerySet

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.accounts.policies import has_role
from gongdan.notifications.choices import (
    ADMIN_KINDS,
    CUSTOMER_KINDS,
    STAFF_KINDS,
    ChannelName,
    Kind,
)
from gongdan.notifications.models import Notification
from gongdan.notifications.services import choices_for, live_channels


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).order_by("-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def kinds_for(user: User) -> list[Kind]:
    if has_role(user, Role.ADMIN):
        return [*STAFF_KINDS, *ADMIN_KINDS]
    return list(STAFF_KINDS if user.is_staff_member else CUSTOMER_KINDS)


def preference_table(*, user: User) -> list[tuple[Kind, list[tuple[str, bool]]]]:
    """Rows of (kind, [(channel, enabled)]) for the kinds that concern this user: their own
    choice, else their teams' default, else on."""
    kinds = kinds_for(user)
    saved = choices_for([user.pk], [k.value for k in kinds])[user.pk]
    channels = live_channels()
    return [
        (kind, [(ChannelName(c), saved.get((kind.value, c), True)) for c in channels])
        for kind in kinds
    ]
