"""The portal's landing page, customer registration, sign-in and sign-out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.accounts.access import workspace_url
from gongdan.accounts.choices import Language
from gongdan.accounts.policies import is_staff_user
from gongdan.core.errors import DomainError
from gongdan.customers.services import customer_register
from gongdan.portal.forms import PortalLoginForm, RegisterForm, add_domain_error

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
    if request.user.is_authenticated:
        return redirect("portal:tickets")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = customer_register(
                name=data["name"],
                password=data["password"],
                email=data["email"],
                mobile=data["mobile"],
                language=_language(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        except IntegrityError:  # lost a race with another sign-up for the same address
            form.add_error(
                None, _("An account with this email address or mobile number already exists.")
            )
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:tickets")
    return render(
        request, "portal/register.html", {"form": form}, status=422 if form.errors else 200
    )
