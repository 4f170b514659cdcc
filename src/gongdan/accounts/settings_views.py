"""Settings → Users, Teams and Desk (``/desk/settings/users/``, ``teams/``, ``desk/``).

Administrators only: anyone else gets 403 before anything is read (supervisors see their
teams' members on the assignment pages; they do not manage accounts). Each view parses a
form, calls one service of ``accounts.people`` / ``accounts.desk`` and renders; a service's
refusal is shown on the form (422), nothing is half-saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts import desk, people, selectors
from gongdan.accounts.models import ApiToken, DeskSettings, Team, User
from gongdan.accounts.policies import is_admin
from gongdan.accounts.services import token_revoke
from gongdan.accounts.settings_forms import (
    DeskForm,
    InviteForm,
    TeamForm,
    UserEditForm,
    UserFilterForm,
)
from gongdan.core.api_support import paginate
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.forms import add_domain_error
from gongdan.core.pages import page_guard

PAGE_SIZE = 50


# Sign-in first; then administrators only (403 for everyone else).
admin_page = page_guard(is_admin)


def _user(request: HttpRequest, pk: int) -> User:
    try:
        return selectors.user_admin_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _team(request: HttpRequest, pk: int) -> Team:
    try:
        return selectors.team_admin_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


# --- Users ---------------------------------------------------------------------------------------
@require_GET
@admin_page
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    active = {"": True, "no": False, "all": None}[data.get("active") or ""]
    team = data.get("team")
    qs = selectors.user_admin_list(
        user=request.user,  # type: ignore[arg-type]
        q=data.get("q") or "",
        role=data.get("role") or "",
        team=team.pk if team else None,
        active=active,
    )
    page = paginate(
        qs, ordering=["username", "id"], size=PAGE_SIZE, cursor=request.GET.get("cursor")
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "accounts/settings/user_list.html", context)


@require_http_methods(["GET", "POST"])
@admin_page
def user_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = people.user_invite(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            names = {"name": user.name, "email": user.email}
            if settings.GONGDAN_EMAIL_ENABLED:
                text = _("%(name)s was invited: a link to set a password was mailed to %(email)s.")
                messages.success(request, text % names)
            else:
                text = _(
                    "%(name)s was added, but outgoing mail is switched off: no invitation was "
                    "sent. Send a password link once mail works."
                )
                messages.warning(request, text % names)
            return redirect("accounts:settings_user", pk=user.pk)
    status = 422 if form.errors else 200
    return render(request, "accounts/settings/user_invite.html", {"form": form}, status=status)


def _user_page(request: HttpRequest, user: User, form: UserEditForm | None = None) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
    context = {
        "subject": user,
        "form": form or UserEditForm(user=user),
        "tokens": tokens,
        "is_self": user.pk == request.user.pk,
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "accounts/settings/user_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_page
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    if request.method == "GET":
        return _user_page(request, user)
    form = UserEditForm(request.POST, user=user)
    if form.is_valid():
        try:
            people.user_update(actor=request.user, user=user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The user was saved."))
            return redirect("accounts:settings_user", pk=user.pk)
    return _user_page(request, user, form)


def _act(request: HttpRequest, pk: int, action: Callable[..., Any], done: str) -> HttpResponse:
    user = _user(request, pk)
    try:
        action(actor=request.user, user=user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("accounts:settings_user", pk=user.pk)


@require_POST
@admin_page
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The user was deactivated: they can no longer sign in or use their API tokens.")
    return _act(request, pk, people.user_deactivate, done)


@require_POST
@admin_page
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, people.user_reactivate, _("The user was reactivated."))


@require_POST
@admin_page
def user_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("A link to set a new password was mailed to the user.")
    return _act(request, pk, people.user_password_link_send, done)


@require_POST
@admin_page
def user_token_revoke(request: HttpRequest, pk: int, prefix: str) -> HttpResponse:
    user = _user(request, pk)
    token = ApiToken.objects.filter(user=user, prefix=prefix).first()
    if token is None:
        raise Http404
    token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:settings_user", pk=user.pk)


# --- Teams ---------------------------------------------------------------------------------------
@require_GET
@admin_page
def team_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.team_admin_list(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/settings/team_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_page
def team_new(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = people.team_create_checked(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The team was created."))
            return redirect("accounts:settings_team", pk=team.pk)
    status = 422 if form.errors else 200
    context = {"form": form, "team": None}
    return render(request, "accounts/settings/team_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_page
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    form = TeamForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("code", None)
        lead = data.pop("lead")
        try:
            people.team_update(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                lead=lead,
                clear_lead=lead is None,
                **data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("accounts:settings_team", pk=team.pk)
    status = 422 if form.errors else 200
    context = {"form": form, "team": team}
    return render(request, "accounts/settings/team_form.html", context, status=status)


@require_POST
@admin_page
def team_active(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    active = request.POST.get("active") == "1"
    people.team_update(actor=request.user, team=team, is_active=active)  # type: ignore[arg-type]
    messages.success(
        request, _("The team was reactivated.") if active else _("The team was deactivated.")
    )
    return redirect("accounts:settings_team", pk=team.pk)


# --- Desk ----------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@admin_page
def desk_page(request: HttpRequest) -> HttpResponse:
    row = desk.desk_settings()
    form = DeskForm(request.POST or None, request.FILES or None, initial={"name": row.name})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("logo")
        try:  # the logo first: a refused file leaves the name unchanged too
            if upload is not None:
                data = upload.read(desk.LOGO_MAX_BYTES + 1)
                desk.desk_logo_set(actor=request.user, data=data)  # type: ignore[arg-type]
            elif form.cleaned_data.get("remove_logo"):
                desk.desk_logo_set(actor=request.user, data=None)  # type: ignore[arg-type]
            desk.desk_settings_update(actor=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The desk settings were saved."))
            return redirect("accounts:settings_desk")
    status = 422 if form.errors else 200
    context = {"form": form, "desk": row}
    return render(request, "accounts/settings/desk.html", context, status=status)


@require_GET
@cache_control(public=True, max_age=86400)
def desk_logo(request: HttpRequest, version: int) -> HttpResponse:
    """The desk's logo (public: the sign-in page may show it). The version in the URL changes
    with every new logo, so it can be cached for a day."""
    row = DeskSettings.objects.filter(pk=1).exclude(logo_type="").first()
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row.logo), content_type=row.logo_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
