"""Report periods: whole days in the desk's time zone, validated once for pages, API and schedules.

A period is ``start``..``end`` inclusive (dates in ``settings.TIME_ZONE``); its instants are
``[start 00:00, end + 1 day 00:00)``. The previous period is the same number of days just before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.core.errors import ValidationFailed

#: Named periods of the period picker (API ``period=``); ``custom`` takes ``start`` and ``end``.
PERIODS = ("today", "7d", "30d", "90d", "month", "last_month", "quarter", "year", "custom")
MAX_DAYS = 3 * 366  # "a period longer than 3 years" is refused


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def day_list(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_parse(
    name: str = "30d",
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> Period:
    """The period ``name`` ends today (``month``/``quarter``/``year``: to date); ``custom`` is
    ``start``..``end``. Raises ``ValidationFailed`` (``report.unknown_period``,
    ``report.period_reversed``, ``report.period_too_long``, ``report.period_required``)."""
    today = today or timezone.localdate()
    name = (name or "30d").strip()
    period = _custom(start, end) if name == "custom" else _named(name, today)
    if period.end < period.start:
        raise ValidationFailed(
            "report.period_reversed",
            _("The period ends before it starts."),
            fields={"end": _("The end date must not be before the start date.")},
        )
    if period.days > MAX_DAYS:
        raise ValidationFailed(
            "report.period_too_long",
            _("A report period may be at most three years."),
            fields={"start": _("Choose a shorter period.")},
        )
    return period


def _custom(start: date | None, end: date | None) -> Period:
    if start is None or end is None:
        raise ValidationFailed(
            "report.period_required",
            _("A custom period needs both a start and an end date."),
            fields={"start": _("Required."), "end": _("Required.")},
        )
    return Period(start, end)


def _named(name: str, today: date) -> Period:
    if name == "today":
        return Period(today, today)
    if name in ("7d", "30d", "90d"):
        return Period(today - timedelta(days=int(name[:-1]) - 1), today)
    if name == "month":
        return Period(today.replace(day=1), today)
    if name == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if name == "quarter":
        return Period(_quarter_start(today), today)
    if name == "year":
        return Period(today.replace(month=1, day=1), today)
    raise ValidationFailed(
        "report.unknown_period",
        _("Unknown period “%(name)s”.") % {"name": name[:40]},
        fields={"period": _("Choose one of: %(names)s.") % {"names": ", ".join(PERIODS)}},
    )
