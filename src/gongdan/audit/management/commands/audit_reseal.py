"""Re-seal the audit log under the current key, after checking it under the old one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongdan.audit.chain import derived_key, reseal, verify


class Command(BaseCommand):
    help = (
        "Recompute every audit event's digest and chain link under the current GONGDAN_AUDIT_KEY "
        "(e.g. after changing the key or SECRET_KEY). The chain is first verified under the old "
        "key (--old-key, or --old-secret-key for a key derived from an old SECRET_KEY); a broken "
        "chain is not resealed unless --force, since resealing makes every event genuine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--old-key", default="", help="the previous GONGDAN_AUDIT_KEY")
        parser.add_argument(
            "--old-secret-key", default="", help="the previous SECRET_KEY (key was derived)"
        )
        parser.add_argument(
            "--force", action="store_true", help="reseal even if the old chain is broken"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        old = options["old_key"] or (
            derived_key(options["old_secret_key"]) if options["old_secret_key"] else ""
        )
        report = verify(key=old.encode() if old else None)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            if not options["force"]:
                raise CommandError(
                    "The chain is broken under the old key: not resealed (see above; --force "
                    "reseals anyway and makes the changed events look genuine)."
                )
        count = reseal()
        self.stdout.write(
            f"Resealed {count} events. Anchor (keep it outside the database): {verify().anchor}"
        )
