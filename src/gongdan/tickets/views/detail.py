"""The ticket page: header, timeline, composer and the action forms, rendered whole or as htmx
partials. ``render_workspace`` is shared with the action endpoints in ``actions.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongdan.accounts.models import User
from gongdan.tickets import hooks, refdata
from gongdan.tickets.choices import OPEN_STATUSES, TimelineKind
from gongdan.tickets.followup_selectors import reminder_list, ticket_supervisions
from gongdan.tickets.forms import (
    AssignForm,
    ChildForm,
    LinkForm,
    MergeForm,
    ReminderForm,
    ReplyForm,
    TicketFieldsForm,
    TransitionForm,
)
from gongdan.tickets.models import Ticket, TimelineEntry
from gongdan.tickets.selectors import (
    ticket_numbers_visible,
    ticket_relations,
    timeline_hide_others,
    timeline_list,
    watcher_list,
)
from gongdan.tickets.services.followups import may_supervise
from gongdan.tickets.services.preferences import ticket_seen_mark
from gongdan.tickets.views._common import actor, is_htmx, staff_required, visible_ticket
from gongdan.tickets.workflow import REASON_REQUIRED, Side, allowed_targets

TEMPLATE = "tickets/ticket_detail.html"


def _entries(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Drop "attached a file" lines for files already shown under their comment."""
    shown = {a.pk for e in entries if e.comment_id for a in e.comment.attachments.all()}  # type: ignore[union-attr]
    return [
        e
        for e in entries
        if not (e.kind == TimelineKind.ATTACHMENT and e.data.get("attachment") in shown)
    ]


def _related_numbers(user: User, ticket: Ticket) -> tuple[str | None, str | None]:
    """The parent's and the merge target's numbers, each only if ``user`` may open it."""
    parent = ticket.parent.number if ticket.parent_id and ticket.parent else None
    merged = ticket.merged_into.number if ticket.merged_into_id and ticket.merged_into else None
    visible = ticket_numbers_visible(user=user, numbers=[parent, merged])
    return (parent if parent in visible else None, merged if merged in visible else None)


def _forms(request: HttpRequest, ticket: Ticket) -> dict[str, forms.Form]:
    user = actor(request)
    return {
        "reply_form": ReplyForm(),
        "assign_form": AssignForm(ticket=ticket),
        "transition_form": TransitionForm(),
        "fields_form": TicketFieldsForm(ticket=ticket, user=user),
        "child_form": ChildForm(user=user, initial={"team": ticket.team_id}),
        "link_form": LinkForm(),
        "merge_form": MergeForm(),
        "reminder_form": ReminderForm(),
    }


def workspace_context(
    request: HttpRequest,
    ticket: Ticket,
    bound: dict[str, Any] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """Everything the ticket page shows, with flags computed here rather than in the template."""
    user = actor(request)
    targets = allowed_targets(ticket.status, Side.STAFF)
    relations = ticket_relations(user=user, ticket=ticket)
    timeline = timeline_hide_others(user=user, entries=timeline_list(user=user, ticket=ticket))
    parent, merged_into = _related_numbers(user, ticket)
    return {
        "ticket": ticket,
        "parent_number": parent,
        "merged_into_number": merged_into,
        "timeline": _entries(timeline),
        "seen": max((entry.pk for entry in timeline), default=0),  # live.js, collisions.py
        "relations": relations,
        "watchers": watcher_list(user=user, ticket=ticket),
        "team_members": refdata.team_members(ticket.team_id),
        "progress": relations.progress,
        **hooks.page_context(ticket),  # the apps above add theirs (SLA: sla_clocks)
        "reminders": reminder_list(user=user, ticket=ticket),
        "supervisions": ticket_supervisions(user=user, ticket=ticket),
        "can_supervise": may_supervise(user) and ticket.status in OPEN_STATUSES,
        "quick_targets": [t for t in targets if t not in REASON_REQUIRED],
        "reason_targets": [t for t in targets if t in REASON_REQUIRED],
        "can_take": ticket.status in OPEN_STATUSES and ticket.assignee_id != user.pk,
        "can_merge": ticket.status in OPEN_STATUSES and ticket.merged_into_id is None,
        "notice": notice,
        "kinds": TimelineKind,
        **_forms(request, ticket),
        **(bound or {}),
    }


def render_workspace(
    request: HttpRequest,
    ticket: Ticket,
    bound: dict[str, Any] | None = None,
    *,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only ``#ticket-workspace`` for htmx."""
    context = workspace_context(request, ticket, bound, notice)
    name = f"{TEMPLATE}#workspace" if is_htmx(request) else TEMPLATE
    return render(request, name, context, status=status)


@require_GET
@staff_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = visible_ticket(request, number)
    ticket_seen_mark(actor=actor(request), ticket=ticket)  # the list's unread marker clears
    return render_workspace(request, ticket)
