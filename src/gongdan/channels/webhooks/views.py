"""Workspace pages for outgoing webhooks (administrators only): list, create, edit with the
deliveries log, delete, test ping, redeliver. Each view parses input and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongdan.accounts.models import User
from gongdan.channels.access import admin_page
from gongdan.channels.models import masked
from gongdan.channels.webhooks import selectors, services
from gongdan.channels.webhooks.forms import WebhookForm
from gongdan.core.errors import DomainError
from gongdan.tickets.forms import add_domain_error

LOG_SIZE = 50


@require_http_methods(["GET"])
@admin_page
def webhook_list(request: HttpRequest, user: User) -> HttpResponse:
    rows = list(selectors.subscription_list(user=user))
    return render(request, "channels/webhook_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_page
def webhook_new(request: HttpRequest, user: User) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sub, secret = services.webhook_create(actor=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Subscription created. Its secret, shown only this once: %(secret)s")
                % {"secret": secret},
            )
            return redirect("channels:webhook_detail", sub.pk)
    return render(request, "channels/webhook_form.html", {"form": form, "sub": None})


@require_http_methods(["GET", "POST"])
@admin_page
def webhook_detail(request: HttpRequest, user: User, webhook_id: int) -> HttpResponse:
    sub = services.subscription_for(actor=user, subscription_id=webhook_id)
    initial = {f: getattr(sub, f) for f in ("name", "url", "event_types", "include_internal")}
    form = WebhookForm(request.POST or None, initial={**initial, "is_active": sub.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(actor=user, subscription_id=sub.pk, changes=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Subscription saved."))
            return redirect("channels:webhook_detail", sub.pk)
    log = list(
        selectors.delivery_list(user=user, subscription_id=sub.pk).order_by("-id")[:LOG_SIZE]
    )
    context = {"form": form, "sub": sub, "secret": masked(sub.secret), "log": log}
    return render(request, "channels/webhook_form.html", context)


@admin_page
def _post_action(
    request: HttpRequest, user: User, webhook_id: int, action: str, delivery_id: int = 0
) -> HttpResponse:
    if action == "delete":
        services.webhook_delete(actor=user, subscription_id=webhook_id)
        messages.success(request, _("Subscription deleted."))
        return redirect("channels:webhook_list")
    if action == "ping":
        services.webhook_ping(actor=user, subscription_id=webhook_id)
        messages.success(request, _("Test ping sent."))
    else:
        services.webhook_redeliver(actor=user, subscription_id=webhook_id, delivery_pk=delivery_id)
        messages.success(request, _("Delivery sent again."))
    return redirect("channels:webhook_detail", webhook_id)


@require_POST
def webhook_delete_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    return _post_action(request, webhook_id, "delete")


@require_POST
def webhook_ping_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    return _post_action(request, webhook_id, "ping")


@require_POST
def webhook_redeliver_view(request: HttpRequest, webhook_id: int, delivery_id: int) -> HttpResponse:
    return _post_action(request, webhook_id, "redeliver", delivery_id)
