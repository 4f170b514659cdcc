"""``manage.py seed_calendars``: the China mainland and 24×7 business calendars (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongdan.sla.seeding import next_year_schedule_present, official_years, seed_calendars


class Command(BaseCommand):
    help = (
        "Create the default business calendars and import every statutory holiday and make-up "
        "workday that the installed chinesecalendar package knows. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        years = official_years()
        quiet = options["verbosity"] < 1
        if not quiet:
            self.stdout.write(
                f"chinesecalendar knows the official schedule of {years.start}–{years.stop - 1}."
            )
        for result in seed_calendars():
            state = "created" if result.created else "already there"
            if not quiet:
                self.stdout.write(
                    f"{result.calendar.code}: {state}, "
                    f"{result.special_days_added} special days added."
                )
        next_year = timezone.localdate().year + 1
        if not next_year_schedule_present():
            self.stdout.write(
                self.style.WARNING(
                    f"The official holidays of {next_year} are not in the calendar yet: upgrade "
                    "chinesecalendar and run this again, or enter them in the admin."
                )
            )
