"""Facts kept for the reports: one lifecycle fact per ticket and additive daily rollups.

Written only by :mod:`gongdan.reports.facts` (from the outbox, and by ``reports_rebuild``): a
ticket's fact is recomputed from that ticket's own rows, its rollup contributions are a pure
function of the fact, and the rollups receive the difference between the new and the old
contributions. Dimensions are plain integers with 0 for "none" (and "" for text) so that the
unique keys hold on every database (NULL never equals NULL). Definitions: docs/metrics.md.

Below them, the export jobs (``Export``): a ticket list or a report written to a file in the
background (``reports.services``, ``reports.export_jobs``).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.core.models import StoredFile
from gongdan.tickets.models import Ticket


class TicketFact(models.Model):
    """One ticket's lifecycle facts, as of its last change (see ``reports.metrics``).

    ``history`` holds what the rollup contributions need besides the columns: the intervals the
    ticket was open (``open``), its reopen moments (``reopens``), its completed stays per status
    and team (``stays``: kind, stage, end, seconds) and its SLA outcome per target (``sla``).
    """

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.BigIntegerField(_("team"), default=0)
    assignee = models.BigIntegerField(_("assignee"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)
    category = models.BigIntegerField(_("category"), default=0)
    organization = models.BigIntegerField(_("organization"), default=0)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    priority = models.CharField(_("priority"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, blank=True)
    is_incident = models.BooleanField(_("incident"), default=False)
    is_merged = models.BooleanField(_("merged"), default=False)
    created_at = models.DateTimeField(_("created at"))
    created_day = models.DateField(_("created on"))
    created_how = models.PositiveSmallIntegerField(_("hour of week"), default=0)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    first_response_day = models.DateField(_("first response on"), null=True, blank=True)
    frt_seconds = models.BigIntegerField(_("first response time"), null=True, blank=True)
    frt_business = models.BigIntegerField(
        _("first response time (business)"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_day = models.DateField(_("resolved on"), null=True, blank=True)
    res_seconds = models.BigIntegerField(_("resolution time"), null=True, blank=True)
    res_business = models.BigIntegerField(_("resolution time (business)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_change_day = models.DateField(_("last status change on"))
    reopen_count = models.PositiveIntegerField(_("reopened"), default=0)
    reassign_count = models.PositiveIntegerField(_("reassignments"), default=0)
    fcr = models.BooleanField(_("first-contact resolution"), null=True, blank=True)
    history = models.JSONField(_("history"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket fact")
        verbose_name_plural = _("ticket facts")
        indexes = [
            models.Index(fields=["assignee", "created_day"], name="fact_assignee_created_idx"),
            models.Index(fields=["assignee", "resolved_day"], name="fact_assignee_resolved_idx"),
            models.Index(fields=["assignee", "first_response_day"], name="fact_assignee_fr_idx"),
            models.Index(fields=["organization", "created_day"], name="fact_org_created_idx"),
            models.Index(fields=["organization", "resolved_day"], name="fact_org_resolved_idx"),
            models.Index(fields=["organization", "first_response_day"], name="fact_org_fr_idx"),
            models.Index(fields=["category", "created_day"], name="fact_cat_created_idx"),
            models.Index(fields=["category", "resolved_day"], name="fact_cat_resolved_idx"),
            models.Index(fields=["category", "first_response_day"], name="fact_cat_fr_idx"),
            # The exact reads of questions filtered by channel or priority: by day range.
            models.Index(fields=["created_day"], name="fact_created_idx"),
            models.Index(fields=["resolved_day"], name="fact_resolved_idx"),
            models.Index(fields=["first_response_day"], name="fact_fr_idx"),
            models.Index(fields=["last_change_day"], name="fact_last_change_idx"),
        ]

    def __str__(self) -> str:
        return f"fact {self.ticket_id}"


class Counters(models.Model):
    """The additive counters of a rollup row (sums over the tickets of its key; see
    docs/metrics.md). ``bl_*`` are changes of the backlog in each age band on that day."""

    created = models.BigIntegerField(default=0)
    resolved = models.BigIntegerField(default=0)
    closed = models.BigIntegerField(default=0)
    cancelled = models.BigIntegerField(default=0)
    reopened = models.BigIntegerField(default=0)
    outflow = models.BigIntegerField(default=0)
    bl_0 = models.BigIntegerField(default=0)
    bl_1 = models.BigIntegerField(default=0)
    bl_2 = models.BigIntegerField(default=0)
    bl_3 = models.BigIntegerField(default=0)
    bl_4 = models.BigIntegerField(default=0)
    frt_n = models.BigIntegerField(default=0)
    frt_sum = models.BigIntegerField(default=0)
    frt_bsum = models.BigIntegerField(default=0)
    res_n = models.BigIntegerField(default=0)
    res_sum = models.BigIntegerField(default=0)
    res_bsum = models.BigIntegerField(default=0)
    inc_n = models.BigIntegerField(default=0)
    inc_sum = models.BigIntegerField(default=0)
    fcr_yes = models.BigIntegerField(default=0)
    reopened_resolved = models.BigIntegerField(default=0)
    reassign_sum = models.BigIntegerField(default=0)
    fr_met = models.BigIntegerField(default=0)
    fr_breached = models.BigIntegerField(default=0)
    fr_paused = models.BigIntegerField(default=0)
    nr_met = models.BigIntegerField(default=0)
    nr_breached = models.BigIntegerField(default=0)
    nr_paused = models.BigIntegerField(default=0)
    rs_met = models.BigIntegerField(default=0)
    rs_breached = models.BigIntegerField(default=0)
    rs_paused = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(Counters):
    """Counters per day × team × agent × type × category × channel × organization × priority."""

    day = models.DateField(_("day"))
    team = models.BigIntegerField(_("team"), default=0)
    assignee = models.BigIntegerField(_("assignee"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)
    category = models.BigIntegerField(_("category"), default=0)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    organization = models.BigIntegerField(_("organization"), default=0)
    priority = models.CharField(_("priority"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "team",
                    "assignee",
                    "ticket_type",
                    "category",
                    "channel",
                    "organization",
                    "priority",
                ],
                name="reports_daily_key",
            )
        ]
        indexes = [
            models.Index(fields=["day"], name="rollup_day_idx"),
            models.Index(fields=["assignee", "day"], name="rollup_assignee_day_idx"),
            models.Index(fields=["organization", "day"], name="rollup_org_day_idx"),
            models.Index(fields=["category", "day"], name="rollup_category_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} agent {self.assignee}"


class TeamRollup(Counters):
    """The same counters, coarser: per day × team × type × channel × priority (the dashboards'
    usual filters; agent, category and organization filters read :class:`DailyRollup`)."""

    day = models.DateField(_("day"))
    team = models.BigIntegerField(_("team"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    priority = models.CharField(_("priority"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("team rollup")
        verbose_name_plural = _("team rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "ticket_type", "channel", "priority"],
                name="reports_team_key",
            )
        ]
        indexes = [models.Index(fields=["team", "day"], name="teamrollup_team_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} team {self.team}"


class TypeRollup(Counters):
    """The same counters per day × team × type only: what a question without a channel or
    priority (nor agent, category, organization) reads, so that its rows are bounded by days ×
    teams × types (:class:`TeamRollup` holds a row per channel × priority besides)."""

    day = models.DateField(_("day"))
    team = models.BigIntegerField(_("team"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)

    class Meta:
        verbose_name = _("type rollup")
        verbose_name_plural = _("type rollups")
        constraints = [
            models.UniqueConstraint(fields=["day", "team", "ticket_type"], name="reports_type_key")
        ]
        indexes = [models.Index(fields=["team", "day"], name="typerollup_team_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} team {self.team} type {self.ticket_type}"


class MonthTypeRollup(Counters):
    """:class:`TypeRollup` per calendar month (``day`` is its first day): the whole months of
    a question without a channel or priority (bounded by months × teams × types)."""

    day = models.DateField(_("month"))
    team = models.BigIntegerField(_("team"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)

    class Meta:
        verbose_name = _("monthly type rollup")
        verbose_name_plural = _("monthly type rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "ticket_type"], name="reports_month_type_key"
            )
        ]
        indexes = [models.Index(fields=["team", "day"], name="monthtype_team_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} team {self.team} type {self.ticket_type}"


class AgentRollup(Counters):
    """The same counters per day × team × agent × type: what the agents report reads when no
    category, organization, channel or priority narrows it (bounded by days × the agents'
    teams and types, where :class:`DailyRollup` keeps a row per category × channel ×
    organization × priority besides)."""

    day = models.DateField(_("day"))
    team = models.BigIntegerField(_("team"), default=0)
    assignee = models.BigIntegerField(_("assignee"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)

    class Meta:
        verbose_name = _("agent rollup")
        verbose_name_plural = _("agent rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "assignee", "ticket_type"], name="reports_agent_key"
            )
        ]
        indexes = [models.Index(fields=["assignee", "day"], name="agentrollup_agent_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} agent {self.assignee}"


class MonthAgentRollup(Counters):
    """:class:`AgentRollup` per calendar month (``day`` is its first day): the whole months of
    an agents question."""

    day = models.DateField(_("month"))
    team = models.BigIntegerField(_("team"), default=0)
    assignee = models.BigIntegerField(_("assignee"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)

    class Meta:
        verbose_name = _("monthly agent rollup")
        verbose_name_plural = _("monthly agent rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "assignee", "ticket_type"], name="reports_month_agent_key"
            )
        ]
        indexes = [models.Index(fields=["assignee", "day"], name="monthagent_agent_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} agent {self.assignee}"


class MonthRollup(Counters):
    """The coarse counters per calendar month (``day`` is its first day): a backlog level is
    the sum of every change before it, so whole months come from here and only the days of
    the last month from :class:`TeamRollup`."""

    day = models.DateField(_("month"))
    team = models.BigIntegerField(_("team"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    priority = models.CharField(_("priority"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "ticket_type", "channel", "priority"],
                name="reports_month_key",
            )
        ]
        indexes = [models.Index(fields=["team", "day"], name="monthrollup_team_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} team {self.team}"


class Histogram(models.Model):
    """Distributions per day × team × type: durations in log buckets (``metrics.bucket_of``)
    with their exact sum, and arrivals per hour of the week (``metric`` "arrival", ``bucket``
    0..167). Medians and p90 come from here. Not per channel or priority: the rows stay
    bounded by days × teams × types × buckets, whatever the number of tickets; a question
    filtered by channel or priority reads the exact values from :class:`TicketFact`."""

    day = models.DateField(_("day"))
    team = models.BigIntegerField(_("team"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)
    metric = models.CharField(_("metric"), max_length=40)
    bucket = models.SmallIntegerField(_("bucket"))
    count = models.BigIntegerField(_("count"), default=0)
    total = models.BigIntegerField(_("total seconds"), default=0)

    class Meta:
        verbose_name = _("duration histogram")
        verbose_name_plural = _("duration histograms")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "ticket_type", "metric", "bucket"],
                name="reports_histogram_key_v2",
            )
        ]
        # Covering indexes in the order the reads filter (metric, then the days; or the
        # teams of a scope first): a read never visits the table's rows.
        indexes = [
            models.Index(
                fields=["metric", "day", "team", "ticket_type", "bucket", "count", "total"],
                name="histogram_read_idx",
            ),
            models.Index(
                fields=["team", "metric", "day", "ticket_type", "bucket", "count", "total"],
                name="histogram_team_read_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.bucket}"


class MonthHistogram(models.Model):
    """:class:`Histogram` per calendar month (``day`` is its first day), for the whole months
    of a period."""

    day = models.DateField(_("month"))
    team = models.BigIntegerField(_("team"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)
    metric = models.CharField(_("metric"), max_length=40)
    bucket = models.SmallIntegerField(_("bucket"))
    count = models.BigIntegerField(_("count"), default=0)
    total = models.BigIntegerField(_("total seconds"), default=0)

    class Meta:
        verbose_name = _("monthly duration histogram")
        verbose_name_plural = _("monthly duration histograms")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "ticket_type", "metric", "bucket"],
                name="reports_month_histogram_key_v2",
            )
        ]
        # Covering indexes in the order the reads filter (metric, then the days; or the
        # teams of a scope first): a read never visits the table's rows.
        indexes = [
            models.Index(
                fields=["metric", "day", "team", "ticket_type", "bucket", "count", "total"],
                name="mhistogram_read_idx",
            ),
            models.Index(
                fields=["team", "metric", "day", "ticket_type", "bucket", "count", "total"],
                name="mhistogram_team_read_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.bucket}"


# --- exports ------------------------------------------------------------------------------------
def export_path(instance: Export, filename: str) -> str:
    """Files live under a random name (as attachments do); the display name is kept in the row."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Export(StoredFile):
    """One export job: what its owner asked for, how far it got, and the file it made.

    ``params`` keeps the request as it was validated: for a ticket list the ``tickets_list``
    filters (``filters``) and the column keys (``columns``); for a report its name, period and
    filters. Only the owner may see or download it; it is deleted when it ``expires_at``.
    """

    class Kind(models.TextChoices):
        TICKETS = "tickets", _("ticket list")
        REPORT = "report", _("report")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (.xlsx)")
        CSV = "csv", _("CSV (UTF-8)")
        PDF = "pdf", _("PDF")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TICKETS)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=State.choices, default=State.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_idx")]

    def __str__(self) -> str:
        return self.name or f"export #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        """How far the job got, 0..100 (100 once done)."""
        if self.status == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(100 * self.rows_done / self.rows_total))


# Scheduled reports keep their models in their own module; importing them here registers them.
from gongdan.reports.schedule_models import ReportRun, ReportSchedule  # noqa: E402, F401
