"""Sign in and out, the role-based home redirect, the profile page (with the own password
change) and the language switch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from gongdan.accounts.choices import Language
from gongdan.accounts.desk import welcome_pending
from gongdan.accounts.forms import LoginForm, PasswordChangeForm, ProfileForm
from gongdan.accounts.models import ApiToken, User
from gongdan.accounts.services import (
    token_create,
    token_revoke,
    user_change_password,
    user_profile_update,
)
from gongdan.core.errors import DomainError
from gongdan.core.forms import add_domain_error


def portal_home_url() -> str:
    # The portal is built separately; until it names its home page, its root is the home.
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return "/portal/"


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponseRedirect:
    """Staff land in the workspace, customers in the portal."""
    user: User = request.user  # type: ignore[assignment]
    if welcome_pending(user):
        return redirect("welcome:start")  # a new install's first admin: the first-run page
    if user.is_staff_member:
        return redirect("tickets:list")
    return HttpResponseRedirect(portal_home_url())


class StaffLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    http_method_names = ["post", "options"]


def _base_template(user: User) -> str:
    """Staff pages live in the workspace shell; customers keep the plain bar."""
    return "tickets/base.html" if user.is_staff_member else "accounts/base.html"


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Display name, UI language and (a second form on the page) the user's own password."""
    user: User = request.user  # type: ignore[assignment]
    initial = {"display_name": user.display_name, "language": user.language}
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "profile") if posted else ""
    form = ProfileForm(posted if which == "profile" else None, initial=initial)
    password_form = PasswordChangeForm(posted if which == "password" else None)
    if which == "profile" and form.is_valid():
        try:
            user_profile_update(user=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    if which == "password" and password_form.is_valid():
        data = password_form.cleaned_data
        try:
            user_change_password(
                actor=user, user=user, current=data["current_password"], new=data["new_password1"]
            )
        except DomainError as exc:
            add_domain_error(password_form, exc, {"password": "new_password1"})
        else:
            update_session_auth_hash(request, user)  # stay signed in on this device
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:profile")
    context = {"form": form, "password_form": password_form, "base_template": _base_template(user)}
    status = 422 if form.errors or password_form.errors else 200
    return render(request, "accounts/profile.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's personal API tokens; a new token's secret is shown once, on this response."""
    user: User = request.user  # type: ignore[assignment]
    created = ""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100] or _("API token")
        _token, created = token_create(user=user, name=name)
    rows = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
    context = {"tokens": rows, "created": created, "base_template": _base_template(user)}
    return render(request, "accounts/tokens.html", context)


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, prefix: str) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's prefix is a 404)."""
    token = get_object_or_404(ApiToken, user=request.user, prefix=prefix)
    token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Remember the choice on the signed-in user's profile, then switch like ``set_language``."""
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in Language.values:
        user_profile_update(user=request.user, language=code)
    return set_language(request)
