"""``gongdan manage search_rebuild``: (re)index every ticket, organization, contact and user."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongdan.search.services import BATCH, KINDS, KindReport, search_rebuild


class Command(BaseCommand):
    help = (
        "Index every object in batches (one transaction each), skipping documents that are "
        "already up to date and removing those of deleted objects. Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", action="append", choices=list(KINDS), dest="kinds")
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(report: KindReport) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"{report.kind}: {report.objects} objects, {report.written} documents written "
                f"({elapsed:.1f} s)"
            )

        search_rebuild(
            kinds=options["kinds"] or list(KINDS),
            batch=max(1, options["batch"]),
            progress=progress,
        )
