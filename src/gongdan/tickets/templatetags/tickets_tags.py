"""Template helpers for tickets: timeline sentences and status/priority badges."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
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


@register.simple_tag
def timeline_linked(entry: TimelineEntry) -> SafeString:
    """The sentence with the other ticket's number as a link to it, once (staff pages).

    The number is in the sentence already; it is not repeated after it. An entry whose other
    ticket the reader may not open has no number (``selectors.timeline_hide_others``).
    """
    text = conditional_escape(describe(entry))
    number = (entry.data or {}).get("number")
    if not number:
        return text
    link = format_html(
        '<a class="gd-ticket-number" href="{}">{}</a>',
        reverse("tickets:detail", args=[number]),
        number,
    )
    return mark_safe(text.replace(conditional_escape(number), link, 1))  # noqa: S308 - escaped


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
