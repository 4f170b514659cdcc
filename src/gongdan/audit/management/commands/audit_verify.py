"""Check the audit log's hash chain from its first event to its head (and against an anchor)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongdan.audit.chain import Anchor, seal, verify


def _anchor(text: str) -> Anchor:
    try:
        return Anchor.parse(text)
    except ValueError:
        raise CommandError(
            f"Not an anchor: {text!r} (expected POSITION:COUNT:CHAIN, as printed before)."
        ) from None


class Command(BaseCommand):
    help = (
        "Verify the audit log: every sealed event's content, every link of the HMAC chain and "
        "the head. Prints the anchor (position, count, chain value): keep it outside the "
        "database and pass it back with --anchor to detect events removed from the end. Exits "
        "non-zero when anything was changed, removed or inserted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seal", action="store_true", help="seal the events not yet chained first"
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="POSITION:COUNT:CHAIN",
            help="an anchor printed by an earlier run; must still be in the chain (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = [_anchor(text) for text in options["anchor"]]
        if options.get("seal"):
            self.stdout.write(f"Sealed {seal()} events.")
        problems: list[str] = []
        for anchor in anchors[:-1]:  # older anchors first; the last one gives the report
            problems += verify(anchor=anchor).problems
        report = verify(anchor=anchors[-1] if anchors else None)
        problems += report.problems
        self.stdout.write(
            f"Sealed events: {report.sealed}; not sealed yet: {report.unsealed}; "
            f"head: position {report.head_seq}"
        )
        if problems:
            for problem in dict.fromkeys(problems):
                self.stderr.write(problem)
            raise CommandError("The audit log's hash chain is broken.")
        self.stdout.write(f"Anchor (keep it outside the database): {report.anchor}")
        self.stdout.write("The audit log's hash chain is intact.")
