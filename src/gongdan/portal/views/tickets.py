"""A signed-in customer's tickets: list, submit, read the public timeline, reply and decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.access import customer_required
from gongdan.accounts.models import User
from gongdan.core.errors import DomainError, Forbidden, NotFound
from gongdan.core.htmx import vary_on_htmx, wants_fragment
from gongdan.core.pagination import keyset_page
from gongdan.customers.models import Contact
from gongdan.customers.selectors import contact_for
from gongdan.knowledge.services import suggestions_followed_by_ticket
from gongdan.portal.forms import ReasonForm, ReplyForm, TicketForm, add_domain_error
from gongdan.tickets.choices import FINAL_STATUSES, OPEN_STATUSES, Status
from gongdan.tickets.models import Ticket
from gongdan.tickets.policies import is_requester_side
from gongdan.tickets.selectors import (
    DEFAULT_SORT,
    TicketFilters,
    ordering_for,
    ticket_get,
    ticket_list,
    timeline_hide_others,
    timeline_list,
)
from gongdan.tickets.services import comment_create, ticket_create, ticket_hurry, ticket_transition
from gongdan.tickets.services.hurry import next_hurry_at
from gongdan.tickets.workflow import Side, allowed_targets

PAGE_SIZE = 20
STATES: dict[str, list[str]] = {
    "open": sorted(OPEN_STATUSES),
    "done": sorted({Status.RESOLVED, *FINAL_STATUSES}),
}
# The form (and its element ids) for each move that needs a reason.
REASON_ACTIONS = {Status.REOPENED: "reopen", Status.CANCELLED: "cancel"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _ticket(request: HttpRequest, number: str) -> Ticket:
    """A ticket the customer may see, or 404 (others' tickets do not exist for them)."""
    try:
        return ticket_get(user=_user(request), number=number)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _list_filters(request: HttpRequest, contact: Contact | None) -> tuple[TicketFilters, str]:
    is_org_admin = bool(contact and contact.is_org_admin and contact.organization_id)
    scope = "org" if is_org_admin and request.GET.get("scope") == "org" else "mine"
    filters = TicketFilters(sort=DEFAULT_SORT, status=STATES.get(request.GET.get("state", ""), []))
    if contact is not None and is_org_admin:
        if scope == "org":
            filters.organization = contact.organization_id
        else:
            filters.requester = contact.pk
    return filters, scope


@customer_required
@require_GET
def tickets(request: HttpRequest) -> HttpResponse:
    """My tickets (organization admins may switch to all of their organization's)."""
    contact = contact_for(_user(request))
    filters, scope = _list_filters(request, contact)
    queryset = ticket_list(user=_user(request), filters=filters)
    ordering = ordering_for(filters.sort)
    try:
        page = keyset_page(
            queryset, ordering=ordering, size=PAGE_SIZE, cursor=request.GET.get("cursor") or None
        )
    except DomainError:  # a mangled cursor: start again from the first page
        page = keyset_page(queryset, ordering=ordering, size=PAGE_SIZE)
    context = {
        "page": page,
        "scope": scope,
        "state": request.GET.get("state", ""),
        "is_org_admin": bool(contact and contact.is_org_admin and contact.organization_id),
    }
    template = "portal/ticket_list.html"
    # A paging click gets the fragment; a history restore or a boosted link the whole page.
    if wants_fragment(request):
        template += "#ticket_rows"
    return vary_on_htmx(render(request, template, context))


@customer_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_create(
                actor=_user(request),
                title=data["title"],
                description=data["description"],
                ticket_type=data["ticket_type"],
                category=data["category"],
                attachments=data["attachments"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # The suggestions opened in this session did not spare this ticket (no deflection).
            suggestions_followed_by_ticket(session_key=request.session.session_key or "")
            messages.success(
                request, _("Ticket %(number)s was submitted.") % {"number": ticket.number}
            )
            return redirect("portal:detail", number=ticket.number)
    return render(
        request, "portal/ticket_new.html", {"form": form}, status=422 if form.errors else 200
    )


def _actions(user: User, ticket: Ticket) -> dict[str, bool]:
    """What the page offers; the services check again when the customer acts."""
    targets = (
        allowed_targets(ticket.status, Side.REQUESTER) if is_requester_side(user, ticket) else []
    )
    return {
        "reply": ticket.status not in FINAL_STATUSES,
        "confirm": Status.CLOSED in targets,
        "reopen": Status.REOPENED in targets,
        "cancel": Status.CANCELLED in targets,
    }


def _reason_form(action: str, data: Any = None) -> ReasonForm:
    return ReasonForm(data, auto_id=f"id_{action}_%s")


def _detail(
    request: HttpRequest, ticket: Ticket, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "ticket": ticket,
        "timeline": timeline_hide_others(
            user=_user(request), entries=timeline_list(user=_user(request), ticket=ticket)
        ),
        "actions": _actions(_user(request), ticket),
        "reply_form": forms.get("reply") or ReplyForm(),
        "reopen_form": forms.get("reopen") or _reason_form("reopen"),
        "cancel_form": forms.get("cancel") or _reason_form("cancel"),
        "can_hurry": ticket.status in OPEN_STATUSES,
        "hurry_again_at": next_hurry_at(ticket) if ticket.status in OPEN_STATUSES else None,
    }
    return render(request, "portal/ticket_detail.html", context, status=status)


@customer_required
@require_GET
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The ticket with its public timeline only (internal notes never reach this page)."""
    return _detail(request, _ticket(request, number))


@customer_required
@require_POST
def ticket_reply(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            comment_create(
                actor=_user(request),
                ticket=ticket,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your reply was added."))
            return redirect("portal:detail", number=ticket.number)
    return _detail(request, ticket, status=422, reply=form)


@customer_required
@require_POST
def ticket_hurry_view(request: HttpRequest, number: str) -> HttpResponse:
    """催办: ask the service desk to hurry up (once per interval, for open tickets)."""
    ticket = _ticket(request, number)
    try:
        ticket_hurry(actor=_user(request), ticket=ticket, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _detail(request, ticket, status=exc.status)
    messages.success(request, _("We have asked the service team to hurry up."))
    return redirect("portal:detail", number=ticket.number)


SUCCESS = {
    Status.CLOSED: gettext_lazy("Thank you for confirming. The ticket is closed."),
    Status.REOPENED: gettext_lazy(
        "The ticket was reopened; the service team will look at it again."
    ),
    Status.CANCELLED: gettext_lazy("The ticket was cancelled."),
}


@customer_required
@require_POST
def ticket_move(request: HttpRequest, number: str, to: str) -> HttpResponse:
    """Confirm the resolution (→ closed), reject it (→ reopened) or cancel; reasons as needed."""
    ticket = _ticket(request, number)
    action = REASON_ACTIONS.get(Status(to), "confirm")
    form = _reason_form(action, request.POST)
    form.is_valid()
    try:
        ticket_transition(
            actor=_user(request), ticket=ticket, to=to, comment=form.cleaned_data.get("reason", "")
        )
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        add_domain_error(form, exc)
        if action == "confirm":
            messages.error(request, str(exc.message))
        return _detail(request, ticket, status=422, **{action: form})
    messages.success(request, str(SUCCESS[Status(to)]))
    return redirect("portal:detail", number=ticket.number)
