"""The notification centre (workspace and portal), the unread badge and the preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Team, User
from gongdan.accounts.policies import has_role
from gongdan.core.errors import Forbidden, NotFound
from gongdan.notifications import selectors, services
from gongdan.notifications.choices import STAFF_KINDS, ChannelName
from gongdan.notifications.presenters import present_grouped

PAGE_SIZE = 50


def _base(user: User) -> str:
    return "tickets/base.html" if user.is_staff_member else "portal/base.html"


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The signed-in user's notifications, newest first, 50 a page (``?before=<id>``)."""
    user: User = request.user  # type: ignore[assignment]
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notification_list(user=user, unread_only=unread_only)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    context = {
        "base_template": _base(user),
        "groups": present_grouped(rows, user),
        "older": rows[-1].pk if more else None,
        "unread_only": unread_only,
        "unread": selectors.unread_count(user=user),
    }
    return render(request, "notifications/inbox.html", context)


@require_GET
@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count for the top bar (polled by htmx)."""
    count = selectors.unread_count(user=request.user)  # type: ignore[arg-type]
    return render(request, "notifications/_badge.html", {"count": count})


@require_POST
@login_required
def open_one(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of my notifications read and go where it points (404 for anyone else's)."""
    user: User = request.user  # type: ignore[assignment]
    if not services.notification_mark_read(user=user, notification_id=pk):
        raise Http404
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
@login_required
def read_group(request: HttpRequest) -> HttpResponse:
    """Mark a group of my notifications read (``ids``: comma-separated; others' are ignored)."""
    ids = [int(i) for i in request.POST.get("ids", "").split(",") if i.strip().isdigit()]
    services.notification_mark_group_read(user=request.user, ids=ids)  # type: ignore[arg-type]
    return redirect("notifications:inbox")


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)  # type: ignore[arg-type]
    return redirect("notifications:inbox")


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Per kind and channel: on or off. A box left unticked turns that pair off."""
    user: User = request.user  # type: ignore[assignment]
    table = selectors.preference_table(user=user)
    if request.method == "POST":
        chosen = set(request.POST.getlist("on"))
        choices = {
            (kind.value, channel): f"{kind.value}:{channel}" in chosen
            for kind, cells in table
            for channel, _enabled in cells
        }
        services.preferences_set(user=user, choices=choices)
        if user.is_staff_member:
            services.digest_set(user=user, enabled=request.POST.get("digest") == "1")
        return redirect("notifications:preferences")
    manages_teams = user.is_staff_member and (
        has_role(user, Role.ADMIN) or Team.objects.filter(lead=user, is_active=True).exists()
    )
    return render(
        request,
        "notifications/preferences.html",
        {
            "base_template": _base(user),
            "table": table,
            "manages_teams": manages_teams,
            "digest": user.is_staff_member and services.digest_enabled(user=user),
        },
    )


def _managed_teams(user: User) -> list[Team]:
    teams = Team.objects.filter(is_active=True).order_by("name")
    if not has_role(user, Role.ADMIN):
        teams = teams.filter(lead=user)
    return list(teams)


@require_GET
@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    """The teams whose notification defaults this user sets (admins: all; leads: their own)."""
    user: User = request.user  # type: ignore[assignment]
    teams = _managed_teams(user) if user.is_staff_member else []
    if not teams:
        raise PermissionDenied
    return render(request, "notifications/team_list.html", {"teams": teams})


@require_http_methods(["GET", "POST"])
@login_required
def team_defaults(request: HttpRequest, team_id: int) -> HttpResponse:
    """Per kind and channel, whether the team's members are told by default (ticked: told)."""
    user: User = request.user  # type: ignore[assignment]
    try:
        team = services.team_for_defaults(actor=user, team_id=team_id)
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied from exc
    channels = services.live_channels()
    if request.method == "POST":
        told = set(request.POST.getlist("on"))
        off = {
            (kind.value, channel)
            for kind in STAFF_KINDS
            for channel in channels
            if f"{kind.value}:{channel}" not in told
        }
        services.team_defaults_set(actor=user, team=team, off=off)
        messages.success(request, _("The team's notification defaults were saved."))
        return redirect("notifications:team_defaults", team.pk)
    off = services.team_defaults(team=team)
    table = [
        (kind, [(ChannelName(c), (kind.value, c) not in off) for c in channels])
        for kind in STAFF_KINDS
    ]
    return render(request, "notifications/team_defaults.html", {"team": team, "table": table})
