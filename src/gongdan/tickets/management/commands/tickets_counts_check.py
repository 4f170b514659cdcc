"""``manage.py tickets_counts_check``: compare the view-tab counters with a fresh count.

Exits 1 when they differ (and lists the pairs), so that monitoring can run it; repair with
``tickets_counts_rebuild``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongdan.tickets import counts


class Command(BaseCommand):
    help = "Compare the ticket counters with a fresh count; exit 1 on drift."

    def handle(self, *args: Any, **options: Any) -> None:
        drift = counts.drift()
        if not drift:
            self.stdout.write("ticket counts: no drift")
            return
        for (team, assignee), (kept, actual) in sorted(drift.items()):
            self.stdout.write(f"team {team} assignee {assignee}: counted {kept}, actual {actual}")
        raise CommandError(
            f"ticket counts drifted on {len(drift)} (team, assignee) pairs; "
            "run tickets_counts_rebuild",
            returncode=1,
        )
