"""The portal's landing page, customer sign-up (confirmed by mail), sign-in and sign-out."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.accounts import lockout
from gongdan.accounts.access import workspace_url
from gongdan.accounts.choices import Language
from gongdan.accounts.policies import is_staff_user
from gongdan.channels.email.registration import registration_link_request
from gongdan.core.errors import DomainError
from gongdan.core.public_limits import register_limited
from gongdan.customers.registration import registration_complete, registration_read
from gongdan.portal.forms import (
    PortalLoginForm,
    RegisterConfirmForm,
    RegisterForm,
    add_domain_error,
)

BACKEND = "gongdan.accounts.backends.EmailOrMobileBackend"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


class PortalLoginView(LoginView):
    """Customers sign in with an email address or mobile number; staff land in the workspace."""

    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("portal:tickets")

    def get_success_url(self) -> str:
        if is_staff_user(self.request.user):
            return workspace_url()
        return super().get_success_url()


def _language() -> str:
    current = (translation.get_language() or "").lower()
    return current if current in Language.values else ""


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Sign up: mail a confirmation link (or the owner's password link); the same answer for
    every address. Rate-limited per client and per address."""
    if request.user.is_authenticated:
        return redirect("portal:tickets")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if register_limited(request, address=data["email"]):
            return render(request, "portal/rate_limited.html", status=429)
        registration_link_request(
            name=data["name"], email=data["email"], password=data["password"], language=_language()
        )
        return redirect("portal:register_sent")
    context = {"form": form, "mail_enabled": settings.GONGDAN_EMAIL_ENABLED}
    return render(request, "portal/register.html", context, status=422 if form.errors else 200)


@require_GET
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/register_sent.html")


@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Follow the mailed link and type the sign-up password: the account opens, signed in.

    Wrong passwords count towards the sign-in lockout of the address."""
    try:
        pending = registration_read(token)
    except DomainError as exc:
        return render(request, "portal/register_confirm.html", {"error": exc.message}, status=400)
    form = RegisterConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if lockout.is_locked(request, pending.email):
            form.add_error(None, lockout.locked_message())
        else:
            try:
                user = registration_complete(token=token, password=form.cleaned_data["password"])
            except DomainError as exc:
                if exc.code == "registration.wrong_password":
                    lockout.failed(request, pending.email)
                add_domain_error(form, exc)
            else:
                login(request, user, backend=BACKEND)
                messages.success(
                    request, _("Welcome! Your address is confirmed and your account is ready.")
                )
                return redirect("portal:tickets")
    context: dict[str, object] = {"form": form, "email": pending.email}
    return render(
        request, "portal/register_confirm.html", context, status=422 if form.errors else 200
    )
