"""Facts kept for the reports: one lifecycle fact per ticket and additive daily rollups.

Written only by :mod:`gongdan.reports.facts` (from the outbox, and by ``reports_rebuild``): a
ticket's fact is recomputed from that ticket's own rows, its rollup contributions are a pure
function of the fact, and the rollups receive the difference between the new and the old
contributions. Dimensions are plain integers with 0 for "none" (and "" for text) so that the
unique keys hold on every database (NULL never equals NULL). Definitions: docs/metrics.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
    """Distributions per day × team × type × channel × priority: durations in log buckets
    (``metrics.bucket_of``: 8 per doubling) with their exact sum, and arrivals per hour of the
    week (``metric`` "arrival", ``bucket`` 0..167). Medians and p90 come from here."""

    day = models.DateField(_("day"))
    team = models.BigIntegerField(_("team"), default=0)
    ticket_type = models.BigIntegerField(_("type"), default=0)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    priority = models.CharField(_("priority"), max_length=16, blank=True)
    metric = models.CharField(_("metric"), max_length=40)
    bucket = models.SmallIntegerField(_("bucket"))
    count = models.BigIntegerField(_("count"), default=0)
    total = models.BigIntegerField(_("total seconds"), default=0)

    class Meta:
        verbose_name = _("duration histogram")
        verbose_name_plural = _("duration histograms")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "ticket_type", "channel", "priority", "metric", "bucket"],
                name="reports_histogram_key",
            )
        ]
        indexes = [
            models.Index(fields=["metric", "day"], name="histogram_metric_day_idx"),
            models.Index(fields=["team", "metric", "day"], name="histogram_team_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.bucket}"
