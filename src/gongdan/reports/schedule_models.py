"""Scheduled reports: what is sent to whom and when (``ReportSchedule``), and each sending
(``ReportRun``) with its outcome per recipient, so a failed send is retried and shown.

A schedule is *due* when ``next_run_at`` has passed; a paused schedule has no ``next_run_at``,
so the engine's query (an index on ``next_run_at``) only ever reads due schedules. See
:mod:`gongdan.reports.schedule_engine`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class CoveredPeriod(models.TextChoices):
    """The days each run reports on, counted from the local day it runs."""

    YESTERDAY = "yesterday", _("Yesterday")
    LAST_7_DAYS = "last_7_days", _("The last 7 days")
    LAST_WEEK = "last_week", _("Last week (Monday to Sunday)")
    LAST_MONTH = "last_month", _("Last month")
    MONTH_TO_DATE = "month_to_date", _("This month to date")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    PDF = "pdf", _("PDF")
    BOTH = "both", _("Excel and PDF")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed")


class ReportSchedule(models.Model):
    """A report sent on a schedule, in the desk's time zone (``settings.TIME_ZONE``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="report_schedules",
    )
    name = models.CharField(_("name"), max_length=100)
    report = models.CharField(_("report"), max_length=20)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    period = models.CharField(_("period"), max_length=20, choices=CoveredPeriod.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True)  # 0 = Monday
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    time_of_day = models.TimeField(_("time of day"))
    file_format = models.CharField(
        _("format"), max_length=4, choices=FileFormat.choices, default=FileFormat.XLSX
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("users"), blank=True, related_name="+"
    )
    emails = models.JSONField(_("email addresses"), default=list, blank=True)
    robots = models.JSONField(_("group robots"), default=list, blank=True)  # robot ids
    is_active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_status = models.CharField(
        _("last status"), max_length=10, choices=RunStatus.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ReportRun(models.Model):
    """One sending of a schedule: due (or asked for) at ``due_at``, covering ``period_*``.

    ``outcomes`` maps a recipient key (``user:<id>``, ``email:<address>``, ``robot:<id>``) to
    ``{"ok": bool, "error": str, "at": iso}``; a retry sends only to those not yet ``ok``.
    """

    schedule = models.ForeignKey(
        ReportSchedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="runs"
    )
    due_at = models.DateTimeField(_("due at"))
    manual = models.BooleanField(_("run now"), default=False)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    outcomes = models.JSONField(_("outcome per recipient"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled report run")
        verbose_name_plural = _("scheduled report runs")
        ordering = ["-due_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="report_run_due_idx",
                condition=models.Q(next_attempt_at__isnull=False),
            ),
            models.Index(fields=["schedule", "-due_at"], name="report_run_schedule_idx"),
        ]
        constraints = [
            # A scheduled time is sent once, whatever the number of ticks or consumers.
            models.UniqueConstraint(
                fields=["schedule", "due_at"],
                condition=models.Q(manual=False),
                name="report_run_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} @ {self.due_at:%Y-%m-%d %H:%M}"
