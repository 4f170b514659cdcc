"""Reminders on the ticket page, and the supervision (督办) pages: list, open, answer, decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongdan.accounts.models import User
from gongdan.core.errors import DomainError, NotFound
from gongdan.tickets import services
from gongdan.tickets.followup_selectors import (
    SUPERVISION_SCOPES,
    reminder_get,
    supervision_get,
    supervision_list,
)
from gongdan.tickets.forms import (
    ReminderForm,
    SupervisionDecisionForm,
    SupervisionForm,
    SupervisionResponseForm,
    add_domain_error,
)
from gongdan.tickets.models import Supervision, Ticket
from gongdan.tickets.services.followups import may_respond, may_supervise
from gongdan.tickets.views._common import actor, staff_required
from gongdan.tickets.views.actions import _other_ticket, run_action


@require_POST
@staff_required
def ticket_remind(request: HttpRequest, number: str) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        services.reminder_create(
            actor=user, ticket=ticket, remind_at=data["remind_at"], note=data["note"]
        )
        return _("Reminder set.")

    return run_action(
        request, number, "reminder_form", lambda t: ReminderForm(request.POST), perform
    )


@require_POST
@staff_required
def reminder_cancel(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    def perform(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        try:
            reminder = reminder_get(user=user, pk=pk)
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        if reminder.ticket_id != ticket.pk:
            raise Http404
        services.reminder_cancel(actor=user, reminder=reminder)
        return _("Reminder cancelled.")

    return run_action(
        request, number, "reminder_cancel_form", lambda t: forms.Form(request.POST), perform
    )


# --- supervision pages ----------------------------------------------------------------------------


def _supervision(request: HttpRequest, pk: int) -> Supervision:
    try:
        return supervision_get(user=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@require_http_methods(["GET"])
@staff_required
def supervision_index(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    scope = request.GET.get("scope", "mine")
    if scope not in SUPERVISION_SCOPES:
        scope = "mine"
    context = {
        "rows": supervision_list(user=user, scope=scope),
        "scope": scope,
        "can_open": may_supervise(user),
    }
    return render(request, "tickets/supervision_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def supervision_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not may_supervise(user):
        raise PermissionDenied
    form = SupervisionForm(
        request.POST or None, initial={"ticket": request.GET.get("ticket", "")[:40]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = _other_ticket(user, data["ticket"].strip()) if data["ticket"] else None
            supervision = services.supervision_open(
                actor=user,
                ticket=ticket,
                team=data["team"],
                requirements=data["requirements"],
                deadline=data["deadline"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Supervision opened."))
            return redirect("tickets:supervision_detail", pk=supervision.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "tickets/supervision_new.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest, supervision: Supervision, status: int = 200, **forms: Any
) -> HttpResponse:
    user = actor(request)
    context = {
        "supervision": supervision,
        "can_respond": supervision.is_active and may_respond(user, supervision),
        "can_decide": supervision.status == "responded" and may_supervise(user),
        "can_cancel": supervision.is_active
        and may_supervise(user)
        and (user.role == "admin" or user.pk == supervision.created_by_id),
        "response_form": forms.get("response_form")
        or SupervisionResponseForm(initial={"response": supervision.response}),
        "decision_form": forms.get("decision_form") or SupervisionDecisionForm(),
    }
    return render(request, "tickets/supervision_detail.html", context, status=status)


@require_http_methods(["GET"])
@staff_required
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _supervision(request, pk))


@require_POST
@staff_required
def supervision_respond(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = _supervision(request, pk)
    form = SupervisionResponseForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_respond(
                actor=actor(request),
                supervision=supervision,
                response=form.cleaned_data["response"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            form._domain_status = exc.status  # type: ignore[attr-defined]
        else:
            messages.success(request, _("Your answer was sent to the supervisor."))
            return redirect("tickets:supervision_detail", pk=pk)
    return _detail(request, supervision, status=_status(form), response_form=form)


def _status(form: Any) -> int:
    codes = getattr(form, "_domain_status", None)
    return int(codes) if codes else 422


@require_POST
@staff_required
def supervision_decide(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = _supervision(request, pk)
    form = SupervisionDecisionForm(request.POST)
    status = 422
    if form.is_valid():
        accept = bool(form.cleaned_data["accept"])
        try:
            services.supervision_decide(
                actor=actor(request),
                supervision=supervision,
                accept=accept,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            notice = (
                _("Answer accepted; the supervision is closed.")
                if accept
                else _("Answer returned.")
            )
            messages.success(request, notice)
            return redirect("tickets:supervision_detail", pk=pk)
    return _detail(request, supervision, status=status, decision_form=form)


@require_POST
@staff_required
def supervision_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = _supervision(request, pk)
    try:
        services.supervision_cancel(actor=actor(request), supervision=supervision)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _detail(request, supervision, status=exc.status)
    messages.success(request, _("Supervision cancelled."))
    return redirect("tickets:supervision_detail", pk=pk)
