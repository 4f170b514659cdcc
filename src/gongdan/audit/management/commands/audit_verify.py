"""Check the audit log's hash chain from its first event to its head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongdan.audit.chain import seal, verify


class Command(BaseCommand):
    help = (
        "Verify the audit log: every sealed event's content, every link of the hash chain and "
        "the head. Prints the head (keep it elsewhere to anchor the log); exits non-zero when "
        "anything was changed, removed or inserted."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seal", action="store_true", help="seal the events not yet chained first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("seal"):
            self.stdout.write(f"Sealed {seal()} events.")
        report = verify()
        self.stdout.write(
            f"Sealed events: {report.sealed}; not sealed yet: {report.unsealed}; "
            f"head: {report.head_seq} {report.head_chain}"
        )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError("The audit log's hash chain is broken.")
        self.stdout.write("The audit log's hash chain is intact.")
