"""Business calendars: when the service desk works, for SLA targets measured in business time.

A calendar has weekly working hours (several intervals a day; breaks are the gaps between them)
and special days (holidays, 调休 make-up workdays, half days) that replace the weekly hours of
their date. The time maths lives in :mod:`gongdan.sla.clock`; ``selectors.calendar_spec`` turns
a calendar into the immutable spec that the clock reads. Write through ``services``, which bump
``version`` so cached specs are rebuilt.
"""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongdan.sla.choices import SpecialDayKind, Weekday
from gongdan.sla.validation import (
    check_intervals,
    check_special_day,
    parse_intervals,
    validate_time_zone,
)

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class BusinessCalendar(models.Model):
    """A named working calendar in one time zone (e.g. 中国大陆工作日, or 24×7).

    ``is_24x7`` calendars work every hour of every day except their special days. At most one
    calendar is the default, used where a policy names none. ``version`` counts edits of the
    calendar, its hours and its special days.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Shanghai or Europe/Berlin."),
    )
    is_24x7 = models.BooleanField(
        _("24×7"),
        default=False,
        help_text=_("Works around the clock; only special days interrupt it."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="sla_calendar_one_default",
                violation_error_message=_("Only one calendar can be the default."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One working interval of a weekday (Monday = 0). An end of 00:00 means 24:00.

    Intervals of one weekday must not overlap; the database cannot check that everywhere
    (SQLite has no exclusion constraints), so ``clean`` and the services do.
    """

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="sla_workinghours_weekday_range",
                violation_error_message=_("The weekday must be 0 (Monday) to 6 (Sunday)."),
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")) | Q(end=time(0)),
                name="sla_workinghours_start_before_end",
                violation_error_message=_("Working hours must end after they start."),
            ),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start"],
                name="sla_workinghours_unique_start",
                violation_error_message=_("Two working intervals of a day start at once."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        siblings = WorkingHours.objects.filter(
            calendar_id=self.calendar_id, weekday=self.weekday
        ).exclude(pk=self.pk)
        intervals = [(self.start, self.end), *((h.start, h.end) for h in siblings)]
        check_intervals(intervals)


class SpecialDay(models.Model):
    """A date whose hours differ from the week: a holiday, a make-up workday or a half day.

    ``intervals`` is a JSON list like ``[["09:00", "12:00"]]``: required for a half day, optional
    for a make-up workday (default: the Monday hours), empty for a holiday. A make-up workday
    (调休上班) is always a Saturday or a Sunday.
    """

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="special_days",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=SpecialDayKind.choices)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("e.g. 春节 or 国庆节调休")
    )
    intervals = models.JSONField(_("working hours"), default=list, blank=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="sla_specialday_unique_date",
                violation_error_message=_("This calendar already has a special day on that date."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SpecialDayKind.values),
                name="sla_specialday_kind_valid",
                violation_error_message=_("Unknown kind of special day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()

    def clean(self) -> None:
        try:
            intervals = parse_intervals(self.intervals or [])
        except ValidationError as exc:
            raise ValidationError({"intervals": exc.messages}) from exc
        if self.date is None or self.kind not in SpecialDayKind.values:
            return  # clean_fields reports the missing date or the unknown kind
        try:
            check_special_day(self.kind, self.date, intervals)
        except ValidationError as exc:
            field = _SPECIAL_DAY_ERROR_FIELDS.get(exc.code or "", "intervals")
            raise ValidationError({field: exc.messages}) from exc


_SPECIAL_DAY_ERROR_FIELDS = {"bad_kind": "kind", "makeup_not_weekend": "date"}
