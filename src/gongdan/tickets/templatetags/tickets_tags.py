"""Template helpers for tickets: timeline sentences and status/priority badges."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongdan.tickets.models import Ticket, TimelineEntry
from gongdan.tickets.presenters import describe

register = template.Library()

STATUS_BADGES = {
    "new": "text-bg-primary",
    "assigned": "text-bg-info",
    "in_progress": "text-bg-warning",
    "pending": "text-bg-secondary",
    "resolved": "text-bg-success",
    "reopened": "text-bg-danger",
    "closed": "text-bg-dark",
    "cancelled": "text-bg-light border",
}
PRIORITY_BADGES = {
    "low": "text-bg-light border",
    "normal": "text-bg-secondary",
    "high": "text-bg-warning",
    "urgent": "text-bg-danger",
}


@register.simple_tag
def timeline_text(entry: TimelineEntry) -> str:
    return describe(entry)


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def priority_badge(priority: str) -> str:
    return PRIORITY_BADGES.get(priority, "text-bg-secondary")


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours}
    return ngettext("%(n)d day", "%(n)d days", hours // 24) % {"n": hours // 24}


@register.inclusion_tag("tickets/_sla_badge.html")
def sla_badge(ticket: Ticket) -> dict[str, object]:
    """The ticket's next SLA due time as a coloured badge (wall-clock time left or overdue)."""
    due = ticket.sla_due_at
    if due is None:
        return {"state": "breached" if ticket.sla_breached_at else "", "ticket": ticket}
    left = (due - timezone.now()).total_seconds()
    if left < 0:
        state, text = "overdue", _("overdue %(span)s") % {"span": _span(left)}
    elif left < 3600:
        state, text = "soon", _("due in %(span)s") % {"span": _span(left)}
    else:
        state, text = "ok", _("due in %(span)s") % {"span": _span(left)}
    return {"state": state, "text": text, "due": due, "ticket": ticket}
