"""POST endpoints of the ticket page. Each parses one form, calls one service and answers with
the refreshed workspace partial (htmx) or a redirect; a ``DomainError`` becomes a form error
(status 422) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongdan.accounts.models import User
from gongdan.core import htmx
from gongdan.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from gongdan.tickets import services
from gongdan.tickets.collisions import changes_since, customer_messages_since, parse_seen
from gongdan.tickets.forms import (
    AssignForm,
    ChildForm,
    LinkForm,
    MergeForm,
    ReplyForm,
    TicketFieldsForm,
    TransitionForm,
    WatcherForm,
    add_domain_error,
)
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import ticket_get
from gongdan.tickets.views._common import actor, is_htmx, staff_required, visible_ticket
from gongdan.tickets.views.detail import render_workspace

# perform(user, ticket, cleaned_data) → a notice for the user, or a response to send instead.
Perform = Callable[[User, Ticket, dict[str, Any]], str | HttpResponse]


def _succeeded(request: HttpRequest, number: str, notice: str) -> HttpResponse:
    try:
        ticket = ticket_get(user=actor(request), number=number)
    except NotFound:  # e.g. moved to a team the user is not in: back to the list
        messages.success(request, notice)
        return htmx.go(request, reverse("tickets:list"))
    if is_htmx(request):
        return render_workspace(request, ticket, notice=notice)
    messages.success(request, notice)
    return redirect("tickets:detail", number=ticket.number)


def _posted_version(request: HttpRequest) -> int | None:
    """The version the page was rendered with: an edit based on a stale page is refused by the
    service (Conflict) instead of silently overwriting someone else's change."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def run_action(
    request: HttpRequest,
    number: str,
    key: str,
    make_form: Callable[[Ticket], forms.Form],
    perform: Perform,
) -> HttpResponse:
    ticket = visible_ticket(request, number)  # 404 before anything is parsed or changed
    form = make_form(ticket)
    if form.is_valid():
        try:
            result = perform(actor(request), ticket, form.cleaned_data)
        except Conflict as exc:
            if exc.code != VERSION_CONFLICT:
                add_domain_error(form, exc)
            else:
                return _conflicted(request, ticket.number, key)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if isinstance(result, HttpResponse):
                return result
            return _succeeded(request, ticket.number, result)
    return render_workspace(request, ticket, {key: form}, status=422)


VERSION_CONFLICT = "ticket.version_conflict"
# What the refused save was, in the conflict message (by the form that was posted).
_WHAT = {
    "assign_form": gettext_lazy("the assignee"),
    "transition_form": gettext_lazy("the status"),
    "fields_form": gettext_lazy("the details"),
}
_NOT_REPOSTED = {"csrfmiddlewaretoken", "version", "seen"}


def _conflicted(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """A save refused because the ticket changed meanwhile: the current ticket, who changed
    what since the agent's page showed it, and the agent's change ready to apply again."""
    ticket = visible_ticket(request, number)
    conflict = {
        "what": _WHAT.get(key, gettext_lazy("your change")),
        "changes": changes_since(
            user=actor(request), ticket=ticket, seen=parse_seen(request.POST.get("seen"))
        ),
        "action": request.path,
        "fields": [
            (name, value)
            for name in request.POST
            if name not in _NOT_REPOSTED
            for value in request.POST.getlist(name)
        ],
    }
    return render_workspace(request, ticket, {"conflict": conflict}, status=409)


def _other_ticket(user: User, number: str) -> Ticket:
    try:
        return ticket_get(user=user, number=number)
    except NotFound as exc:
        message = _("No ticket with this number.")
        raise ValidationFailed("ticket.not_found", message, fields={"number": message}) from exc


@require_POST
@staff_required
def ticket_reply(request: HttpRequest, number: str) -> HttpResponse:
    form: ReplyForm | None = None

    def make(ticket: Ticket) -> ReplyForm:
        nonlocal form
        form = ReplyForm(request.POST, request.FILES)
        return form

    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str | HttpResponse:
        note = data["kind"] == ReplyForm.NOTE
        if not note and request.POST.get("confirm_send") != "1":
            crossed = customer_messages_since(
                ticket=ticket, seen=parse_seen(request.POST.get("seen"))
            )
            if crossed:  # the customer wrote again meanwhile: warn before sending
                extra: dict[str, Any] = {"reply_form": form, "reply_warning": crossed}
                extra["reply_files_dropped"] = bool(request.FILES)
                return render_workspace(request, ticket, extra, status=409)
        services.comment_create_with_time(
            actor=user,
            ticket=ticket,
            body=data["body"],
            is_internal=note,
            attachments=data["attachments"],
            minutes=data["minutes"],
            billable=data["billable"],
        )
        return _("Internal note added.") if note else _("Reply sent.")

    return run_action(request, number, "reply_form", make, perform)


@require_POST
@staff_required
def ticket_assign(request: HttpRequest, number: str) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        assignee = user if data["take"] else data["assignee"]
        ticket = services.ticket_assign(
            actor=user,
            ticket=ticket,
            assignee=assignee,
            expected_version=_posted_version(request),
        )
        if ticket.assignee is None:
            return _("The ticket is back in the queue.")
        return _("Assigned to %(name)s.") % {"name": ticket.assignee}

    return run_action(
        request, number, "assign_form", lambda t: AssignForm(request.POST, ticket=t), perform
    )


@require_POST
@staff_required
def ticket_status(request: HttpRequest, number: str) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        ticket = services.ticket_transition(
            actor=user,
            ticket=ticket,
            to=data["to"],
            comment=data["comment"],
            expected_version=_posted_version(request),
        )
        return _("Status changed to %(status)s.") % {"status": ticket.get_status_display()}

    return run_action(
        request, number, "transition_form", lambda t: TransitionForm(request.POST), perform
    )


@require_POST
@staff_required
def ticket_fields(request: HttpRequest, number: str) -> HttpResponse:
    form: TicketFieldsForm | None = None

    def make(ticket: Ticket) -> TicketFieldsForm:
        nonlocal form
        form = TicketFieldsForm(request.POST, ticket=ticket, user=actor(request))
        return form

    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        assert form is not None
        changes = form.changes()
        if not changes:
            return _("Nothing changed.")
        services.ticket_update(
            actor=user, ticket=ticket, expected_version=_posted_version(request), **changes
        )
        return _("Ticket updated.")

    return run_action(request, number, "fields_form", make, perform)


@require_POST
@staff_required
def ticket_split(request: HttpRequest, number: str) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        child = services.ticket_create_child(actor=user, parent=ticket, **data)
        return _("Child ticket %(number)s created.") % {"number": child.number}

    return run_action(
        request,
        number,
        "child_form",
        lambda t: ChildForm(request.POST, user=actor(request)),
        perform,
    )


@require_POST
@staff_required
def ticket_link(request: HttpRequest, number: str) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        target = _other_ticket(user, data["number"])
        services.ticket_link(actor=user, ticket=ticket, target=target, kind=data["kind"])
        return _("Linked to %(number)s.") % {"number": target.number}

    return run_action(request, number, "link_form", lambda t: LinkForm(request.POST), perform)


@require_POST
@staff_required
def ticket_merge(request: HttpRequest, number: str) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> HttpResponse:
        target = services.ticket_merge(
            actor=user, source=ticket, target=_other_ticket(user, data["number"])
        )
        messages.success(
            request, _("%(source)s was merged into this ticket.") % {"source": ticket.number}
        )
        return htmx.go(request, reverse("tickets:detail", args=[target.number]))

    return run_action(request, number, "merge_form", lambda t: MergeForm(request.POST), perform)


@require_POST
@staff_required
def ticket_watch(request: HttpRequest, number: str) -> HttpResponse:
    form: WatcherForm | None = None

    def make(ticket: Ticket) -> WatcherForm:
        nonlocal form
        form = WatcherForm(request.POST, ticket=ticket, actor=actor(request))
        return form

    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        assert form is not None
        who = form.watcher()
        watcher = services.watcher_add(actor=user, ticket=ticket, **who)
        name = who.get("user") or who.get("contact")
        if watcher is None:
            if data["me"]:
                return _("You already watch this ticket.")
            return _("%(name)s already watches this ticket.") % {"name": name}
        if data["me"]:
            return _("You now watch this ticket.")
        return _("%(name)s now watches this ticket.") % {"name": name}

    return run_action(request, number, "watcher_form", make, perform)


@require_POST
@staff_required
def ticket_unwatch(request: HttpRequest, number: str, watcher_id: int) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        services.watcher_remove(actor=user, ticket=ticket, watcher_id=watcher_id)
        return _("Watcher removed.")

    return run_action(request, number, "watcher_form", lambda t: forms.Form(request.POST), perform)
