"""Stop the SLA clocks that ran on after their ticket was closed or cancelled (defect 11).

Before this fix a customer's cancel reason (a public reply written just after the move) re-armed
the next-response clock, and a merge closed its source without stopping the clocks; the sweep then
warned, breached and escalated finished tickets. What this migration corrects, for every ticket
whose status is ``closed`` or ``cancelled``, with its *stop moment* M = ``closed_at`` (set on
close, cancel and merge; ``updated_at`` when it is missing):

1. A next-response clock started at or after M was armed by a reply written after the stop: its
   whole content describes time after the stop (re-arming erases the earlier run), so it is
   deleted.
2. Every other clock that still runs is stopped (no running time, due, warning, reminder or
   escalation time). The time it used up to M is added for clocks on calendar time; for clocks on
   business time the time used is left as it was (a migration does not read calendars; it only
   feeds reports of finished tickets).
3. A breach recorded after M is cleared (``breached_at`` empty); the clock's escalation level
   drops by the number of its escalations recorded after M.
4. The ticket's due columns are emptied; its ``sla_breached_at``, when after M, becomes the
   earliest breach left on its clocks (or empty).
5. The timeline entries ``sla.warning``, ``sla.reminder``, ``sla.breached`` and
   ``sla.escalated`` written on the ticket after M are deleted.

Not undone: the audit events (the chain is append-only; they record what the sweep did),
notifications already sent, and what escalation levels did to the ticket (a raised priority, a
team move with its own timeline entry, added watchers) — people may have acted on those.
Reversing the migration changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Coalesce

FINISHED = ("closed", "cancelled")
SLA_KINDS = ("sla.warning", "sla.reminder", "sla.breached", "sla.escalated")
NEXT_RESPONSE = "next_response"
BATCH = 500


def _stop(clock: Any, stop: datetime) -> None:
    if clock.running_since is not None and not clock.business_time and clock.running_since < stop:
        clock.elapsed_seconds += (stop - clock.running_since).total_seconds()
    clock.running_since = clock.due_at = clock.warn_at = clock.remind_at = None
    clock.escalate_at = None


def _correct_ticket(apps: Any, ticket: Any, clocks: list[Any]) -> None:
    SlaClock = apps.get_model("sla", "SlaClock")
    Ticket = apps.get_model("tickets", "Ticket")
    TimelineEntry = apps.get_model("tickets", "TimelineEntry")
    stop = ticket.closed_at or ticket.updated_at
    late = TimelineEntry.objects.filter(ticket_id=ticket.pk, kind__in=SLA_KINDS, created_at__gt=stop)
    late_levels: dict[str, int] = defaultdict(int)
    for data in late.filter(kind="sla.escalated").values_list("data", flat=True):
        late_levels[str((data or {}).get("target", ""))] += 1
    kept = []
    for clock in clocks:
        if clock.target == NEXT_RESPONSE and clock.started_at >= stop:
            clock.delete()
            continue
        _stop(clock, stop)
        if clock.breached_at is not None and clock.breached_at > stop:
            clock.breached_at = None
        clock.escalation_level = max(0, clock.escalation_level - late_levels[clock.target])
        clock.save()
        kept.append(clock)
    breaches = [c.breached_at for c in SlaClock.objects.filter(ticket_id=ticket.pk) if c.breached_at]
    first_breach = ticket.sla_breached_at
    if first_breach is not None and first_breach > stop:
        first_breach = min(breaches) if breaches else None
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due_at=None,
        next_response_due_at=None,
        resolution_due_at=None,
        sla_due_at=None,
        sla_breached_at=first_breach,
    )
    late.delete()


def stop_clocks_of_finished_tickets(apps: Any, schema_editor: Any) -> None:
    SlaClock = apps.get_model("sla", "SlaClock")
    Ticket = apps.get_model("tickets", "Ticket")
    stop = Coalesce(F("ticket__closed_at"), F("ticket__updated_at"))
    affected = (
        SlaClock.objects.filter(ticket__status__in=FINISHED)
        .annotate(stop=stop)
        .filter(
            Q(running_since__isnull=False)
            | Q(breached_at__gt=F("stop"))
            | Q(target=NEXT_RESPONSE, started_at__gte=F("stop"))
        )
        .values_list("ticket_id", flat=True)
        .distinct()
        .order_by("ticket_id")
    )
    finished_late = Ticket.objects.filter(status__in=FINISHED).filter(
        Q(sla_due_at__isnull=False) | Q(sla_breached_at__gt=Coalesce(F("closed_at"), F("updated_at")))
    )
    ticket_ids = sorted(set(affected) | set(finished_late.values_list("pk", flat=True)))
    for start in range(0, len(ticket_ids), BATCH):
        chunk = ticket_ids[start : start + BATCH]
        clocks: dict[int, list[Any]] = defaultdict(list)
        for clock in SlaClock.objects.filter(ticket_id__in=chunk).order_by("pk"):
            clocks[clock.ticket_id].append(clock)
        for ticket in Ticket.objects.filter(pk__in=chunk):
            _correct_ticket(apps, ticket, clocks[ticket.pk])


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0004_warn_percents_label"),
        ("tickets", "0008_channel_webform"),
    ]

    operations = [
        migrations.RunPython(stop_clocks_of_finished_tickets, migrations.RunPython.noop),
    ]
