"""``gongdan manage reports_rebuild``: recompute every report fact and rollup from the tickets."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongdan.reports.facts import BATCH, reports_rebuild


class Command(BaseCommand):
    help = (
        "Empty the report facts and rollups, then recompute them from every ticket's own rows "
        "in batches (one transaction each; memory bounded by a batch). Stop the consumers "
        "first, or run reports_check afterwards: an event applied during the rebuild may be "
        "counted twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(done: int) -> None:
            self.stdout.write(f"{done} tickets ({time.monotonic() - started:.1f} s)")

        total = reports_rebuild(batch=max(1, options["batch"]), progress=progress)
        self.stdout.write(f"report facts rebuilt: {total} tickets")
