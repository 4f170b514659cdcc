"""Set or reset a password by mail (``/portal/password/…``): ask for a link, follow it, choose a
password, sign in. The answer to a request is the same whether the address is known or not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.accounts.services import user_address_proven
from gongdan.channels.email.password import password_link_request
from gongdan.core.public_limits import password_reset_limited
from gongdan.portal.forms import BootstrapMixin


class PasswordLinkForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self._style()


class PortalSetPasswordForm(BootstrapMixin, SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link by email address; rate-limited per client and per address."""
    form = PasswordLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"]
        if password_reset_limited(request, address=address):
            return render(request, "portal/rate_limited.html", status=429)
        password_link_request(address=address)
        return redirect("portal:password_reset_sent")
    context = {"form": form, "mail_enabled": settings.GONGDAN_EMAIL_ENABLED}
    status = 422 if form.errors else 200
    return render(request, "portal/password_reset.html", context, status=status)


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/password_reset_sent.html")


class PortalPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's token check (the link's token is moved into the session and out of the URL)."""

    template_name = "portal/password_reset_confirm.html"
    form_class = PortalSetPasswordForm
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The link reached the address's mailbox: the address is proven to be this login's.
        user_address_proven(user=form.user)
        return response


@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/password_reset_done.html")
