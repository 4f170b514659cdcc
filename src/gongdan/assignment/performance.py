"""Agents' performance figures, computed by a periodic job from tickets (never per request).

Over the tickets created in the last ``WINDOW_DAYS`` days and assigned to an agent: resolution
rate (resolved or closed / all), average time from creation to resolution, reopen rate (tickets
that were reopened at least once / resolved). One row per agent overall (no category) and one
per agent and category; the job replaces them all in one transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from gongdan.assignment.models import AgentPerformance
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Ticket, TimelineEntry

WINDOW_DAYS = 90


def _rows(group: list[str]) -> Any:
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    reopened = TimelineEntry.objects.filter(
        ticket=OuterRef("pk"), kind=TimelineKind.STATUS_CHANGED, data__new=Status.REOPENED
    )
    duration = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    return (
        Ticket.objects.filter(created_at__gte=since, assignee__isnull=False)
        .annotate(was_reopened=Exists(reopened))
        .values(*group)
        .annotate(
            total=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            reopened=Count("pk", filter=Q(was_reopened=True)),
            avg=Avg(duration, filter=Q(resolved_at__isnull=False)),
        )
        .order_by()
    )


def compute_performance() -> int:
    """Recompute every agent's figures; returns the number of rows written."""
    now = timezone.now()
    rows: list[AgentPerformance] = []
    for group in (["assignee_id"], ["assignee_id", "category_id"]):
        for r in _rows(group):
            if len(group) == 2 and r["category_id"] is None:
                continue
            resolved = r["resolved"]
            avg = r["avg"]
            rows.append(
                AgentPerformance(
                    user_id=r["assignee_id"],
                    category_id=r.get("category_id"),
                    tickets=r["total"],
                    resolved=resolved,
                    reopened=r["reopened"],
                    resolution_rate=resolved / r["total"] if r["total"] else 0.0,
                    avg_resolution_seconds=int(avg.total_seconds()) if avg else 0,
                    reopen_rate=min(1.0, r["reopened"] / resolved) if resolved else 0.0,
                    computed_at=now,
                )
            )
    with transaction.atomic():
        AgentPerformance.objects.all().delete()
        AgentPerformance.objects.bulk_create(rows, batch_size=500)
    return len(rows)
