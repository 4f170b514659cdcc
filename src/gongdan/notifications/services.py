"""The one place that decides who is told what, through which channel.

Call sites never send anything: they call ``notify`` (usually from an outbox subscriber, see
``subscribers.py``). ``notify`` drops the actor and inactive users, reads each recipient's
preferences, writes in-app notifications, and hands every other enabled channel to that channel's
background job. Channels other than in-app register themselves with ``register_channel`` when
their integration is configured (email, WeCom, DingTalk, Feishu, SMS, webhooks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Count, F, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Membership, Team, User
from gongdan.accounts.policies import has_role
from gongdan.audit.services import audit_record
from gongdan.core import live
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.core.events import enqueue_on_commit
from gongdan.core.orm import insert_rows
from gongdan.notifications.choices import STAFF_KINDS, ChannelName, Kind
from gongdan.notifications.models import (
    DigestSubscription,
    Notification,
    NotificationPreference,
    QuietMark,
    TeamNotificationOff,
)
from gongdan.tickets.models import Ticket

Pair = tuple[str, str]  # (kind, channel)
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
    """The live channels ``user`` gets ``kind`` on; ``prefs`` are their effective choices (see
    :func:`choices_for`), a pair without one is on."""
    return [c for c in live_channels() if prefs.get((kind, c), True)]


def choices_for(
    user_ids: Iterable[int], kinds: Iterable[str], *, include_own: bool = True
) -> dict[int, dict[Pair, bool]]:
    """Each user's effective choices for ``kinds``: their own preference, else their teams'
    (only the teams' with ``include_own=False``).

    One query: the users' preferences, and (UNION ALL) the pairs their teams turned off, each
    with the number of teams the user is in — a pair is off by team only when every one of the
    user's teams turned it off.
    """
    ids, kinds = list(user_ids), list(kinds)
    out: dict[int, dict[Pair, bool]] = {uid: {} for uid in ids}
    if not ids or not kinds:
        return out
    own = (
        NotificationPreference.objects.filter(user_id__in=ids, kind__in=kinds)
        .annotate(teams=Value(0, output_field=IntegerField()))
        .values_list("user_id", "kind", "channel", "enabled", "teams")
    )
    team_count = (
        Membership.objects.filter(user_id=OuterRef("uid"))
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    by_team = (
        TeamNotificationOff.objects.filter(team__membership__user_id__in=ids, kind__in=kinds)
        .annotate(
            uid=F("team__membership__user_id"),
            on=Value(False, output_field=BooleanField()),
            teams=Subquery(team_count, output_field=IntegerField()),
        )
        .values_list("uid", "kind", "channel", "on", "teams")
    )
    offs: dict[tuple[int, str, str], int] = defaultdict(int)
    teams_of: dict[int, int] = {}
    rows = own.union(by_team, all=True) if include_own else by_team
    for uid, kind, channel, enabled, teams in rows:
        if teams == 0:
            out[uid][(kind, channel)] = enabled
        else:
            offs[(uid, kind, channel)] += 1
            teams_of[uid] = teams
    for (uid, kind, channel), count in offs.items():
        if count >= teams_of[uid]:
            out[uid].setdefault((kind, channel), False)
    return out


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
    prefs = choices_for([u.pk for u in users], [kind])
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
    created = Notification.objects.bulk_create(rows)
    _announce(rows)
    return created


def _announce(rows: list[Notification]) -> None:
    """Tell each recipient's open pages (badge, desktop notification) after commit."""
    for row in rows:
        hint: dict[str, Any] = {
            "user": row.recipient_id,
            "t": row.data.get("number"),
            "title": row.data.get("title"),
        }
        live.publish_on_commit(("notification", row.recipient_id), partial(_hint, hint))


def _hint(hint: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return ("notification", hint)


def notify_many(
    requests: list[tuple[list[User | None], str, Ticket | None, dict[str, Any]]],
) -> int:
    """Many ``notify`` calls at once (sweeps): one preference query, one INSERT.

    Each request is ``(recipients, kind, ticket, data)``; there is no actor to leave out.
    """
    requests = _not_history(requests)
    audiences = [(_audience(recipients, None), kind, t, d) for recipients, kind, t, d in requests]
    users = {u.pk: u for users, _k, _t, _d in audiences for u in users}
    kinds = {k for _u, k, _t, _d in audiences}
    prefs = choices_for(users, kinds)
    rows = []
    for people, kind, ticket, data in audiences:
        payload = dict(data)
        if ticket is not None:
            payload.setdefault("number", ticket.number)
            payload.setdefault("title", ticket.title)
        for user in people:
            for channel in enabled_channels(user, kind, prefs[user.pk]):
                if channel == ChannelName.IN_APP:
                    rows.append(
                        Notification(recipient=user, kind=kind, ticket=ticket, data=payload)
                    )
                else:
                    enqueue_on_commit(
                        _channels[channel], user.pk, kind, ticket.pk if ticket else None, payload
                    )
    insert_rows(rows)
    _announce(rows)
    return len(rows)


# --- quiet history --------------------------------------------------------------------------
#: The sweeps' kinds that say "time passed" on a ticket; about seeded or imported history they
#: are not news (a reminder someone set is, and is always sent).
QUIET_KINDS = frozenset(
    {Kind.SLA_WARNING, Kind.SLA_REMINDER, Kind.SLA_ESCALATED, Kind.SUPERVISION_OVERDUE}
)


def quiet_mark() -> Any:
    """The moment up to which the desk's history was loaded (None: never)."""
    return QuietMark.objects.values_list("quiet_before", flat=True).first()


def quiet_mark_set(*, at: Any = None) -> Any:
    """History written up to ``at`` (now) is quiet: the sweeps' notifications about a ticket
    nobody has worked on since (``updated_at`` at or before the mark) are not written.

    Called by the commands that load history (``seed_demo``) after writing it; their outbox
    events are skipped too (``jobs.outbox.skip_history``). The timeline entries, audit events
    and outbox events of the sweeps are still written: only the people are not paged.
    """
    at = at or timezone.now()
    QuietMark.objects.update_or_create(pk=1, defaults={"quiet_before": at})
    return at


def _not_history(requests: list[Any]) -> list[Any]:
    mark = None
    if any(kind in QUIET_KINDS and ticket is not None for _r, kind, ticket, _d in requests):
        mark = quiet_mark()
    if mark is None:
        return requests
    return [
        (people, kind, ticket, data)
        for people, kind, ticket, data in requests
        if not (kind in QUIET_KINDS and ticket is not None and ticket.updated_at <= mark)
    ]


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


def notification_mark_group_read(*, user: User, ids: Iterable[int]) -> int:
    """Mark several of the user's own notifications read (a group in the inbox); others'
    ids are ignored."""
    wanted = [i for i in ids if isinstance(i, int)][:500]
    return Notification.objects.filter(recipient=user, pk__in=wanted, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def digest_set(*, user: User, enabled: bool) -> DigestSubscription | None:
    """Turn the user's daily digest by mail on or off (a row is kept once made)."""
    if not enabled:
        DigestSubscription.objects.filter(user=user).update(enabled=False)
        return None
    digest, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={"enabled": True}
    )
    return digest


def digest_enabled(*, user: User) -> bool:
    return DigestSubscription.objects.filter(user=user, enabled=True).exists()


def preferences_set(*, user: User, choices: dict[tuple[str, str], bool]) -> None:
    """Save the user's choices ((kind, channel) -> enabled); unknown pairs are ignored.

    A choice equal to the default (the user's teams' setting, else on) is stored as no row, so
    the user keeps following their teams there; only deviations are kept.
    """
    valid = {(k, c) for k in Kind.values for c in ChannelName.values}
    chosen = {pair: on for pair, on in choices.items() if pair in valid}
    team = choices_for([user.pk], {k for k, _c in chosen}, include_own=False)[user.pk]
    with transaction.atomic():
        for (kind, channel), enabled in chosen.items():
            mine = NotificationPreference.objects.filter(user=user, kind=kind, channel=channel)
            if enabled == team.get((kind, channel), True):
                mine.delete()
            else:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
                )


def team_defaults(*, team: Team) -> set[Pair]:
    """The (kind, channel) pairs the team turned off for its members."""
    return set(TeamNotificationOff.objects.filter(team=team).values_list("kind", "channel"))


def team_defaults_set(*, actor: User, team: Team, off: set[Pair]) -> set[Pair]:
    """Replace the team's defaults: members without their own choice are not told of these
    pairs. Admins for any team, a team lead for their own team; unknown pairs are a 422."""
    if not may_manage_team_defaults(actor, team):
        raise Forbidden(
            "permission.team_lead_only", _("Only an administrator or the team's lead can do this.")
        )
    valid = {(k, c) for k in STAFF_KINDS for c in ChannelName.values}
    unknown = sorted(f"{k}:{c}" for k, c in off - valid)
    if unknown:
        raise ValidationFailed(
            "notification.unknown_pair",
            _("Unknown kinds or channels: %(pairs)s") % {"pairs": ", ".join(unknown)},
        )
    with transaction.atomic():
        rows = TeamNotificationOff.objects.filter(team=team)
        before = {(k, c): pk for pk, k, c in rows.values_list("pk", "kind", "channel")}
        rows.filter(pk__in=[pk for pair, pk in before.items() if pair not in off]).delete()
        TeamNotificationOff.objects.bulk_create(
            [TeamNotificationOff(team=team, kind=k, channel=c) for k, c in off - before.keys()]
        )
        audit_record(
            actor=actor,
            action="team.notification_defaults",
            obj=team,
            data={"off": sorted(f"{k}:{c}" for k, c in off)},
        )
    return off


def team_for_defaults(*, actor: User, team_id: int) -> Team:
    """The active team whose defaults ``actor`` may read and set (admins, the team's lead);
    ``NotFound`` / ``Forbidden`` otherwise."""
    team = Team.objects.filter(pk=team_id, is_active=True).first()
    if team is None:
        raise NotFound("team.not_found", _("Team not found."))
    if not may_manage_team_defaults(actor, team):
        raise Forbidden(
            "permission.team_lead_only", _("Only an administrator or the team's lead can do this.")
        )
    return team


def may_manage_team_defaults(user: User, team: Team) -> bool:
    return user.is_active and (has_role(user, Role.ADMIN) or team.lead_id == user.pk)
