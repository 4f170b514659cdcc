"""Smart assignment: routing rules, skill requirements, team settings, round-robin cursors,
agent performance figures and the queue of tickets waiting for an available agent.

Agents' capacity, availability, leave, seniority and locations live on
``accounts.AgentProfile``; their skills on ``accounts.AgentSkill``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Skill, Team
from gongdan.assignment.choices import OnUnavailable
from gongdan.customers.models import Organization
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Category, Ticket, TicketType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
else:
    StrOrPromise = str

WEIGHT_MAX = 10
weight_validators = [MinValueValidator(0), MaxValueValidator(WEIGHT_MAX)]
level_validators = [MinValueValidator(1), MaxValueValidator(5)]


def _weight(label: StrOrPromise, default: int) -> Any:
    return models.PositiveSmallIntegerField(label, default=default, validators=weight_validators)


class AssignmentRule(models.Model):
    """How tickets in a scope are given to agents: the first active rule by position whose scope
    matches the ticket (an empty scope field matches anything) decides the weights of the
    strategies, the skills required on top of the type's and category's, and the service area.
    """

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE
    )
    ticket_type = models.ForeignKey(
        TicketType, verbose_name=_("ticket type"), null=True, blank=True, on_delete=models.CASCADE
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    weight_skills = _weight(_("weight: skills"), 3)
    weight_workload = _weight(_("weight: workload"), 5)
    weight_priority = _weight(_("weight: priority and seniority"), 0)
    weight_location = _weight(_("weight: location"), 0)
    weight_performance = _weight(_("weight: performance"), 0)
    weight_round_robin = _weight(_("weight: round robin"), 1)
    latitude = models.DecimalField(
        _("service area latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("service area longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    max_radius_km = models.PositiveIntegerField(
        _("maximum distance (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
        help_text=_("Agents farther than this from the service area are passed over."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_skills__lte=WEIGHT_MAX)
                & Q(weight_workload__lte=WEIGHT_MAX)
                & Q(weight_priority__lte=WEIGHT_MAX)
                & Q(weight_location__lte=WEIGHT_MAX)
                & Q(weight_performance__lte=WEIGHT_MAX)
                & Q(weight_round_robin__lte=WEIGHT_MAX),
                name="assignment_rule_weights_range",
                violation_error_message=_("A weight is between 0 and 10."),
            ),
            models.CheckConstraint(
                condition=Q(max_radius_km__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="assignment_rule_radius_needs_centre",
                violation_error_message=_("A maximum distance needs the service area's location."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RuleSkill(models.Model):
    """A skill a rule requires of its agents, at a minimum level."""

    rule = models.ForeignKey(
        AssignmentRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE)
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"), default=1, validators=level_validators
    )

    class Meta:
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "skill"],
                name="assignment_ruleskill_unique",
                violation_error_message=_("The rule already requires this skill."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.skill} ≥ {self.min_level}"


class SkillRequirement(models.Model):
    """A skill every ticket of a type, or of a category, needs (打印机 → 打印机维修 ≥ 3)."""

    ticket_type = models.ForeignKey(
        TicketType,
        verbose_name=_("ticket type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="skill_requirements",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="skill_requirements",
    )
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE)
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"), default=1, validators=level_validators
    )

    class Meta:
        verbose_name = _("skill requirement")
        verbose_name_plural = _("skill requirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket_type__isnull=False, category__isnull=True)
                | Q(ticket_type__isnull=True, category__isnull=False),
                name="assignment_requirement_one_target",
                violation_error_message=_("A requirement is for a ticket type or a category."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_type or self.category}: {self.skill} ≥ {self.min_level}"


class TeamAssignment(models.Model):
    """A team's assignment settings: automatic assignment on or off, and what happens to an
    agent's open tickets when the agent goes offline or on leave."""

    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="assignment"
    )
    auto_assign = models.BooleanField(_("assign new tickets automatically"), default=True)
    on_unavailable = models.CharField(
        _("when an agent becomes unavailable"),
        max_length=16,
        choices=OnUnavailable.choices,
        default=OnUnavailable.KEEP,
    )

    class Meta:
        verbose_name = _("team assignment settings")
        verbose_name_plural = _("team assignment settings")

    def __str__(self) -> str:
        return str(self.team)


class RoundRobinCursor(models.Model):
    """Whose turn it is, per rule (``rule:<id>``) or per team without a rule (``team:<id>``).

    Shared by every process; read and moved under a row lock by ``assign_automatically``.
    """

    key = models.CharField(_("key"), max_length=40, unique=True)
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    turns = models.PositiveBigIntegerField(_("turns"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("round-robin cursor")
        verbose_name_plural = _("round-robin cursors")

    def __str__(self) -> str:
        return self.key


class AgentPerformance(models.Model):
    """An agent's record over the last days, overall (no category) or per category.

    Computed by the periodic job ``compute_agent_performance``, never per request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="performance",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE
    )
    tickets = models.PositiveIntegerField(_("tickets"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    resolution_rate = models.FloatField(_("resolution rate"), default=0)
    avg_resolution_seconds = models.PositiveIntegerField(
        _("average resolution time (s)"), default=0
    )
    reopen_rate = models.FloatField(_("reopen rate"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("agent performance")
        verbose_name_plural = _("agent performance")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="assignment_perf_user_category_unique",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(category__isnull=True),
                name="assignment_perf_user_overall_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.category_id or '*'}"


class PendingAssignment(models.Model):
    """A team ticket that no agent could take when it was created: retried by a periodic job
    until someone is available (or someone assigns it by hand); the lead is told once."""

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    queued_at = models.DateTimeField(_("queued at"))
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_attempt_at = models.DateTimeField(_("last attempt at"))
    lead_notified_at = models.DateTimeField(_("lead notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket waiting for an agent")
        verbose_name_plural = _("tickets waiting for an agent")
        indexes = [models.Index(fields=["last_attempt_at"], name="assignment_pending_idx")]

    def __str__(self) -> str:
        return str(self.ticket_id)


class AgentLoad(models.Model):
    """An agent's open load (open tickets weighted by priority, ``engine.LOAD_WEIGHTS``), kept by
    database triggers on ``tickets_ticket`` (insert, delete, and updates of the assignee, the
    priority or the open flag), so it changes in the same transaction as the ticket, whichever
    code path writes it. The engine ranks with it instead of aggregating open tickets per
    decision; the capacity re-check under the agent's lock still aggregates (the ground truth).

    ``user_id`` is a plain number, not a foreign key: the triggers may touch a row while its user
    is being deleted.
    """

    user_id = models.BigIntegerField(_("agent"), primary_key=True)
    open_load = models.FloatField(_("open load"), default=0)

    class Meta:
        verbose_name = _("agent load")
        verbose_name_plural = _("agent loads")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.open_load:g}"


class DataVersion(models.Model):
    """One row whose ``value`` changes (to a random number, never reused after a rollback) with
    every write to what the engine caches per process: agent profiles, skills and levels, team
    memberships, agents' names, roles and active flags, performance figures, rules, skill
    requirements and team settings. Database triggers change it in the writer's transaction, so
    every process sees a change on its next decision by reading this one row."""

    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("assignment data version")
        verbose_name_plural = _("assignment data versions")

    def __str__(self) -> str:
        return str(self.value)
