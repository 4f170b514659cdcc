"""``gongdan manage reports_check``: do the report rollups equal the figures of the raw rows?
Exit code 1 (and the drift printed) if not."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongdan.reports.facts import BATCH, reports_check

SAMPLE = 10


class Command(BaseCommand):
    help = (
        "Recompute every ticket's fact from its rows and every rollup from those facts, and "
        "compare with what is stored. Exits with status 1 on any drift; reports_rebuild "
        "repairs it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        drift = reports_check(batch=max(1, options["batch"]))
        self.stdout.write(
            f"{drift.tickets} tickets, {len(drift.missing_facts)} missing facts, "
            f"{len(drift.stale_facts)} stale facts, {drift.orphan_facts} orphaned facts, "
            f"{len(drift.cells)} rollup cells off"
        )
        for label, ids in (("missing", drift.missing_facts), ("stale", drift.stale_facts)):
            if ids:
                self.stdout.write(f"  {label} facts: {', '.join(map(str, ids[:SAMPLE]))}")
        for (table, key, counter), (stored, expected) in list(drift.cells.items())[:SAMPLE]:
            keys = ", ".join(str(k) for k in key)
            self.stdout.write(f"  {table} ({keys}) {counter}: {stored} stored, {expected} expected")
        if not drift.ok:
            raise CommandError("report rollups drifted; run reports_rebuild", returncode=1)
        self.stdout.write("report rollups consistent")
