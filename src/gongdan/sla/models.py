"""Business calendars: when the service desk works, for SLA targets measured in business time.

A calendar has weekly working hours (several intervals a day; breaks are the gaps between them)
and special days (holidays, 调休 make-up workdays, half days) that replace the weekly hours of
their date. The time maths lives in :mod:`gongdan.sla.clock`; ``selectors.calendar_spec`` turns
a calendar into the immutable spec that the clock reads. Write through ``services``, which bump
``version`` so cached specs are rebuilt.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongdan.sla.choices import SlaTarget, SpecialDayKind, Weekday
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


class SlaPolicy(models.Model):
    """A service promise: the first active policy (by position) whose conditions all match applies.

    An empty condition matches anything. Targets are in minutes, measured in business time on
    ``calendar`` when ``business_time`` is set (and a calendar is chosen), else in calendar time.
    Clocks pause while the ticket is in one of ``pause_statuses`` (waiting on the customer).
    """

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(
        _("position"), default=100, help_text=_("Lower positions are tried first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    organizations = models.ManyToManyField(
        "customers.Organization", verbose_name=_("organizations"), blank=True, related_name="+"
    )
    tiers = models.JSONField(
        _("contract tiers"), default=list, blank=True, help_text=_("Organization tiers, e.g. gold.")
    )
    ticket_types = models.ManyToManyField(
        "tickets.TicketType", verbose_name=_("ticket types"), blank=True, related_name="+"
    )
    categories = models.ManyToManyField(
        "tickets.Category", verbose_name=_("categories"), blank=True, related_name="+"
    )
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
    )
    business_time = models.BooleanField(
        _("count business time"),
        default=True,
        help_text=_("Off: targets run around the clock, on every day."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True
    )
    pause_statuses = models.JSONField(
        _("pause in statuses"), default=list, blank=True, help_text=_('For example ["pending"].')
    )
    warn_percents = models.JSONField(
        _("warn at (percent of target)"),
        default=list,
        blank=True,
        help_text=_("For example [75, 90]."),
    )
    remind_before_minutes = models.PositiveIntegerField(
        _("remind before due (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "Remind the assignee this long before each due time, in the policy's time "
            "(business minutes on its calendar). Empty: no reminder."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def minutes_for(self, target: str) -> int | None:
        return {
            "first_response": self.first_response_minutes,
            "next_response": self.next_response_minutes,
            "resolution": self.resolution_minutes,
        }.get(target)

    @property
    def counts_business_time(self) -> bool:
        return self.business_time and self.calendar_id is not None


class EscalationLevel(models.Model):
    """What happens once a target is breached: at the breach (0 minutes) and later levels."""

    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="levels"
    )
    after_minutes = models.PositiveIntegerField(
        _("after the breach (minutes)"), default=0, help_text=_("In the policy's time.")
    )
    notify_assignee = models.BooleanField(_("notify the assignee"), default=True)
    notify_team_lead = models.BooleanField(_("notify the team lead"), default=True)
    notify_supervisors = models.BooleanField(_("notify supervisors"), default=False)
    raise_priority = models.BooleanField(_("raise the priority one step"), default=False)
    move_to_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("move to team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    add_watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("add watchers"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["policy", "after_minutes"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "after_minutes"],
                name="escalation_level_once",
                violation_error_message=_("This policy already has a level at that time."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy}: +{self.after_minutes} min"


class SlaClock(models.Model):
    """One target of one ticket: how much time it has used, when it is due, what has fired.

    ``elapsed_seconds`` is the time used before ``running_since``; while the clock runs, the
    time since then counts too. A paused or stopped clock has no ``running_since`` and no
    ``due_at``. ``warn_at`` and ``escalate_at`` are the next moments the sweep acts on; the sweep
    claims them with conditional UPDATEs so that each fires once.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="sla_clocks",
    )
    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(_("target"), max_length=20, choices=SlaTarget.choices)
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    business_time = models.BooleanField(_("business time"), default=True)
    started_at = models.DateTimeField(_("started at"))
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    elapsed_seconds = models.FloatField(_("time used before"), default=0)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("next warning at"), null=True, blank=True)
    warned_percent = models.PositiveSmallIntegerField(_("warned at (%)"), default=0)
    escalate_at = models.DateTimeField(_("next escalation at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded = models.BooleanField(_("reminded"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target"],
                name="sla_clock_once",
                violation_error_message=_("This ticket already has a clock for this target."),
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="sla_clock_due_idx", condition=Q(breached_at__isnull=True)
            ),
            models.Index(fields=["warn_at"], name="sla_clock_warn_idx"),
            models.Index(fields=["escalate_at"], name="sla_clock_escalate_idx"),
            models.Index(fields=["remind_at"], name="sla_clock_remind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target}"
