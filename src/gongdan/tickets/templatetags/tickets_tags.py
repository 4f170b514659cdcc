"""Template helpers for tickets: timeline sentences and status/priority badges."""

from __future__ import annotations

from django import template

from gongdan.tickets.models import TimelineEntry
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
