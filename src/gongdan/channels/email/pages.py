"""Workspace pages for mail (administrators only): mailboxes, received mail, mail domains.

Each view parses input and calls one service of ``channels.email.services``; the API
(``mailboxes_*``, ``mail_inbound_*``) calls the same services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongdan.accounts.models import User
from gongdan.channels.access import admin_page
from gongdan.channels.email import services
from gongdan.channels.email.forms import MailboxForm, MailDomainForm
from gongdan.channels.email.models import InboundStatus, Mailbox
from gongdan.core.errors import Conflict, DomainError
from gongdan.tickets.forms import add_domain_error

FIELDS = [f for f in services.EDITABLE if f != "imap_password"]  # shown back on the form


def _secret_page(request: HttpRequest, mailbox: Mailbox, secret: str) -> HttpResponse:
    """Shown once, right after the secret was made: it is stored only as a hash."""
    endpoint = settings.SITE_URL.rstrip("/") + reverse("email_channel:inbound", args=[mailbox.pk])
    context = {"mailbox": mailbox, "secret": secret, "endpoint": endpoint}
    return render(request, "email_channel/mailbox_secret.html", context)


@require_http_methods(["GET"])
@admin_page
def mailbox_list(request: HttpRequest, user: User) -> HttpResponse:
    rows = services.mailbox_list(actor=user)
    return render(request, "email_channel/mailbox_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_page
def mailbox_edit(request: HttpRequest, user: User, mailbox_id: int | None = None) -> HttpResponse:
    mailbox = (
        services.mailbox_get(actor=user, mailbox_id=mailbox_id) if mailbox_id is not None else None
    )
    initial = {f: getattr(mailbox, f) for f in FIELDS} if mailbox is not None else {}
    editing = mailbox is not None
    form = MailboxForm(request.POST or None, initial=initial, editing=editing)
    if request.method == "POST" and form.is_valid():
        values = form.values(editing=editing)
        try:
            if mailbox is None:
                created, secret = services.mailbox_create(actor=user, **values)
            else:
                services.mailbox_update(actor=user, mailbox_id=mailbox.pk, changes=values)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if mailbox is None:
                return _secret_page(request, created, secret)
            messages.success(request, _("Mailbox saved."))
            return redirect("channels:mailbox_edit", mailbox.pk)
    context = {"form": form, "mailbox": mailbox}
    return render(request, "email_channel/mailbox_form.html", context)


@require_POST
@admin_page
def mailbox_secret(request: HttpRequest, user: User, mailbox_id: int) -> HttpResponse:
    mailbox = services.mailbox_get(actor=user, mailbox_id=mailbox_id)
    mailbox, secret = services.mailbox_rotate_secret(actor=user, mailbox_id=mailbox.pk)
    return _secret_page(request, mailbox, secret)


@require_POST
@admin_page
def mailbox_check(request: HttpRequest, user: User, mailbox_id: int) -> HttpResponse:
    mailbox = services.mailbox_get(actor=user, mailbox_id=mailbox_id)
    try:
        count = services.mailbox_check(actor=user, mailbox_id=mailbox.pk)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Signed in to the IMAP server: %(folder)s holds %(count)s messages.")
            % {"folder": mailbox.imap_folder, "count": count},
        )
    return redirect("channels:mailbox_edit", mailbox.pk)


@require_POST
@admin_page
def mailbox_fetch(request: HttpRequest, user: User, mailbox_id: int) -> HttpResponse:
    mailbox = services.mailbox_get(actor=user, mailbox_id=mailbox_id)
    try:
        services.mailbox_fetch_now(actor=user, mailbox_id=mailbox.pk)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("A fetch of this mailbox has been queued."))
    return redirect("channels:mailbox_edit", mailbox.pk)


@require_http_methods(["GET"])
@admin_page
def inbound_list(request: HttpRequest, user: User) -> HttpResponse:
    status = request.GET.get("status", InboundStatus.QUARANTINED)
    if status not in InboundStatus.values:
        status = ""
    mailbox = request.GET.get("mailbox", "")
    mailbox_id = int(mailbox) if mailbox.isdigit() else None
    rows = services.inbound_list(actor=user, status=status, mailbox_id=mailbox_id)
    context = {
        "rows": rows,
        "status": status,
        "statuses": InboundStatus.choices,
        "mailbox_id": mailbox_id,
    }
    return render(request, "email_channel/inbound_list.html", context)


@require_POST
@admin_page
def inbound_retry(request: HttpRequest, user: User, message_id: int) -> HttpResponse:
    try:
        message = services.inbound_retry(actor=user, message_id=message_id)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        if message.status == InboundStatus.QUARANTINED:
            messages.error(request, _("The message failed again; its error is shown below."))
        else:
            messages.success(
                request,
                _("Processed: %(status)s.") % {"status": message.get_status_display()},
            )
    return redirect(f"{reverse('channels:inbound_list')}?status={InboundStatus.QUARANTINED}")


@require_http_methods(["GET"])
@admin_page
def inbound_raw(request: HttpRequest, user: User, message_id: int) -> HttpResponse:
    """The message exactly as received, as a .eml download (never rendered in the page)."""
    message = services.inbound_raw(actor=user, message_id=message_id)
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@admin_page
def maildomain_list(request: HttpRequest, user: User) -> HttpResponse:
    form = MailDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.maildomain_create(
                actor=user,
                domain=form.cleaned_data["domain"],
                organization_id=form.cleaned_data["organization"].pk,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Mail domain added."))
            return redirect("channels:maildomain_list")
    rows = services.maildomain_list(actor=user)
    return render(request, "email_channel/maildomain_list.html", {"rows": rows, "form": form})


@require_POST
@admin_page
def maildomain_delete(request: HttpRequest, user: User, domain_id: int) -> HttpResponse:
    services.maildomain_delete(actor=user, domain_id=domain_id)
    messages.success(request, _("Mail domain removed."))
    return redirect("channels:maildomain_list")
