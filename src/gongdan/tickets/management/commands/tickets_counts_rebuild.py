"""``manage.py tickets_counts_rebuild``: recompute the view-tab counters from the tickets."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from gongdan.tickets import counts


class Command(BaseCommand):
    help = "Recompute the ticket counters behind the view tabs (writers wait meanwhile)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        pairs = counts.rebuild()
        self.stdout.write(
            f"ticket counts rebuilt: {pairs} (team, assignee) pairs "
            f"in {time.monotonic() - started:.1f} s"
        )
