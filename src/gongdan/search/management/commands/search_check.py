"""``gongdan manage search_check``: is the index complete and current? Exit code 1 if not."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongdan.search.services import BATCH, KINDS, fulltext_integrity_ok, search_check

SAMPLE = 10


class Command(BaseCommand):
    help = (
        "Compare the search index with the objects: missing, stale (text or dictionary changed "
        "since indexing) and orphaned documents. Exits with status 1 when anything is off; "
        "search_rebuild repairs it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", action="append", choices=list(KINDS), dest="kinds")
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        reports = search_check(
            kinds=options["kinds"] or list(KINDS), batch=max(1, options["batch"])
        )
        problems = 0
        for r in reports:
            self.stdout.write(
                f"{r.kind}: {r.objects} objects, {len(r.missing)} missing, {len(r.stale)} stale, "
                f"{len(r.orphans)} orphaned"
            )
            for label, ids in (("missing", r.missing), ("stale", r.stale), ("orphaned", r.orphans)):
                if ids:
                    self.stdout.write(f"  {label}: {', '.join(map(str, ids[:SAMPLE]))}")
            problems += len(r.missing) + len(r.stale) + len(r.orphans)
        if not fulltext_integrity_ok():
            self.stdout.write("full-text index: integrity check failed")
            problems += 1
        if problems:
            raise CommandError(
                f"search index inconsistent ({problems} problems); run search_rebuild", returncode=1
            )
        self.stdout.write("search index consistent")
