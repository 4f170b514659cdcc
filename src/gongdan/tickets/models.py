"""Tickets and everything that hangs off them: types, categories, comments, attachments, links,
watchers, tags, the timeline and the number sequence."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team
from gongdan.core.models import StoredFile
from gongdan.customers.models import Contact, Organization
from gongdan.tickets.choices import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    Channel,
    CostKind,
    LinkKind,
    Priority,
    Status,
    SupervisionStatus,
    TimelineKind,
)


class BilingualName(models.Model):
    """Admin-defined labels kept in both UI languages (Chinese required, English optional)."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class TicketType(BilingualName):
    """What kind of request a ticket is: incident, service request, complaint, field repair…"""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_onsite = models.BooleanField(_("on-site work"), default=False)
    default_team = models.ForeignKey(
        Team,
        verbose_name=_("default team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New tickets of this type go to this team's queue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["sort_order", "id"]


class Category(BilingualName):
    """A node of the category tree (硬件 › 打印机); optionally limited to one ticket type."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    ticket_type = models.ForeignKey(
        TicketType,
        verbose_name=_("ticket type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="categories",
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "id"]


class Tag(models.Model):
    """A free label on tickets."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


_rank_cases = [models.When(priority=p, then=models.Value(r)) for p, r in PRIORITY_RANK.items()]


class Ticket(models.Model):
    """One request, from intake to close: an owner, a deadline and a history.

    Written only through ``tickets.services``; ``version`` grows by one on every change so that
    API clients can send ``If-Match`` and get 409 instead of overwriting someone else's edit.
    """

    number = models.CharField(_("number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    ticket_type = models.ForeignKey(
        TicketType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="tickets"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    priority_rank = models.GeneratedField(
        expression=models.Case(*_rank_cases, default=models.Value(0)),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    # Derived by the database, so that queues of open tickets have plain equality indexes.
    is_open = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=[s.value for s in OPEN_STATUSES], then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    requester = models.ForeignKey(
        Contact, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # SLA due times, kept by gongdan.sla.engine from the ticket's clocks (None: no running clock).
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("next SLA due time"), null=True, blank=True)
    sla_breached_at = models.DateTimeField(_("SLA breached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_upd_idx"),
            models.Index(fields=["is_open", "-updated_at", "-id"], name="ticket_open_upd_idx"),
            models.Index(
                fields=["is_open", "-priority_rank", "-updated_at", "-id"],
                name="ticket_open_prio_idx",
            ),
            models.Index(
                fields=["team", "is_open", "-updated_at", "-id"], name="ticket_team_open_idx"
            ),
            models.Index(
                fields=["assignee", "is_open", "-updated_at", "-id"],
                name="ticket_assignee_open_idx",
            ),
            models.Index(fields=["requester", "-updated_at", "-id"], name="ticket_requester_idx"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="ticket_org_idx"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created_idx"),
            models.Index(
                fields=["sla_due_at", "id"],
                name="ticket_sla_due_idx",
                condition=models.Q(sla_due_at__isnull=False),
            ),
            models.Index(
                fields=["-sla_breached_at", "-id"],
                name="ticket_sla_breached_idx",
                condition=models.Q(sla_breached_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class TicketWatcher(models.Model):
    """Someone told about a ticket's progress: a staff user or a customer contact."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="watchers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("watcher")
        verbose_name_plural = _("watchers")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, contact__isnull=True)
                | Q(user__isnull=True, contact__isnull=False),
                name="tickets_watcher_one_of",
                violation_error_message=_("A watcher is either a user or a contact."),
            ),
            models.UniqueConstraint(
                fields=["ticket", "user"],
                condition=Q(user__isnull=False),
                name="tickets_watcher_user_unique",
            ),
            models.UniqueConstraint(
                fields=["ticket", "contact"],
                condition=Q(contact__isnull=False),
                name="tickets_watcher_contact_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.contact)


class TicketLink(models.Model):
    """A relation between two tickets: related, or duplicate of."""

    source = models.ForeignKey(
        Ticket, verbose_name=_("from"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        Ticket, verbose_name=_("to"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="tickets_link_unique",
                violation_error_message=_("These tickets are already linked this way."),
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="tickets_link_not_self",
                violation_error_message=_("A ticket cannot be linked to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Comment(models.Model):
    """A public reply (seen by the customer) or an internal note (never shown to customers)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_contact = models.ForeignKey(
        Contact,
        verbose_name=_("author (contact)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("text"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.body[:40]}"

    @property
    def author_name(self) -> str:
        return str(self.author or self.author_contact or _("System"))


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files live under a random name; the user's (sanitised) name is kept in the row."""
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.now()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(StoredFile):
    """A file on a ticket, downloadable only through an authorised view."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    is_internal = models.BooleanField(_("internal"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]


class TimelineEntry(models.Model):
    """One step of a ticket's history, written by the service that made the change.

    ``data`` holds what changed (``{"old": …, "new": …}`` and display labels). Entries with
    ``is_internal`` are hidden from customers.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="timeline"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=TimelineKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=100, blank=True)
    is_internal = models.BooleanField(_("internal"), default=False)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="timeline_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class TicketSequence(models.Model):
    """The last number handed out per prefix and day; incremented in the creating transaction."""

    prefix = models.CharField(_("prefix"), max_length=16)
    day = models.CharField(_("day"), max_length=8)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("ticket number sequence")
        verbose_name_plural = _("ticket number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="tickets_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.day}: {self.last_value}"


class SavedView(models.Model):
    """A named set of workspace filters (the list's query string), with its columns.

    Personal views belong to their owner; supervisors and admins may share a view with one team
    (its members see it) or with everyone on staff.
    """

    class Visibility(models.TextChoices):
        PERSONAL = "personal", _("Only me")
        TEAM = "team", _("A team")
        EVERYONE = "everyone", _("Everyone")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=1000)
    visibility = models.CharField(
        _("shared with"), max_length=16, choices=Visibility.choices, default=Visibility.PERSONAL
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Column keys in display order (tickets.selectors.COLUMNS); empty: the default columns.
    columns = models.JSONField(_("columns"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="tickets_savedview_unique",
                violation_error_message=_("You already have a view with this name."),
            ),
            models.CheckConstraint(
                condition=Q(visibility="team", team__isnull=False)
                | (~Q(visibility="team") & Q(team__isnull=True)),
                name="tickets_savedview_team_iff_team_visibility",
            ),
        ]
        indexes = [models.Index(fields=["visibility", "team"], name="savedview_shared_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.visibility != self.Visibility.PERSONAL


class ListPreference(models.Model):
    """How one agent likes the ticket list: row density and the built-in views' columns."""

    class Density(models.TextChoices):
        COMFORTABLE = "comfortable", _("Comfortable")
        COMPACT = "compact", _("Compact")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    density = models.CharField(
        _("density"), max_length=16, choices=Density.choices, default=Density.COMFORTABLE
    )
    columns = models.JSONField(_("columns"), default=list, blank=True)

    class Meta:
        verbose_name = _("ticket list preference")
        verbose_name_plural = _("ticket list preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.density}"


class TicketSeen(models.Model):
    """When a staff user last opened a ticket's page: the list marks tickets changed since."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(_("seen at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket seen")
        verbose_name_plural = _("tickets seen")
        constraints = [
            models.UniqueConstraint(fields=["user", "ticket"], name="tickets_seen_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.ticket_id}"


class LookupCode(models.Model):
    """A one-time code that lets the submitter of a ticket follow it without an account."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    address = models.CharField(_("email or mobile"), max_length=254)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress lookup code")
        verbose_name_plural = _("progress lookup codes")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.address}"


class Reminder(models.Model):
    """A reminder an agent sets on a ticket: at ``remind_at`` the recipient is notified, once.

    The sweep claims due rows (``fired_at`` still empty) under a row lock, so a reminder fires
    once even with two consumers or a retried job.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remind"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    remind_at = models.DateTimeField(_("remind at"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    fired_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["remind_at", "id"]
        indexes = [
            models.Index(
                fields=["remind_at"], name="reminder_due_idx", condition=Q(fired_at__isnull=True)
            ),
            models.Index(fields=["ticket", "remind_at"], name="reminder_ticket_idx"),
            models.Index(fields=["recipient", "remind_at"], name="reminder_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} @ {self.remind_at:%Y-%m-%d %H:%M}"


class Supervision(models.Model):
    """督办: a supervisor requires a response on a ticket (or from a team) by a deadline.

    The assignee and the team lead answer; the supervisor accepts the answer or returns it. A
    ticket supervision also closes when its ticket is resolved, closed or cancelled. Its clock is
    the deadline: a warning when ``warn_at`` passes, "overdue" at the deadline, then an escalation
    to every supervisor at ``escalate_at`` — each claimed by the sweep and fired once.
    """

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supervisions",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supervisions",
    )
    requirements = models.TextField(_("requirements"), max_length=4000)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SupervisionStatus.choices,
        default=SupervisionStatus.OPEN,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    response = models.TextField(_("response"), max_length=4000, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("escalate at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("supervision (督办)")
        verbose_name_plural = _("supervisions (督办)")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket__isnull=False, team__isnull=True)
                | Q(ticket__isnull=True, team__isnull=False),
                name="supervision_ticket_or_team",
                violation_error_message=_("A supervision is on a ticket or on a team."),
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="supervision_status_idx"),
            models.Index(fields=["warn_at"], name="supervision_warn_idx"),
            models.Index(
                fields=["deadline"],
                name="supervision_overdue_idx",
                condition=Q(overdue_at__isnull=True, closed_at__isnull=True),
            ),
            models.Index(fields=["escalate_at"], name="supervision_escalate_idx"),
        ]

    def __str__(self) -> str:
        return f"督办 #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (SupervisionStatus.OPEN, SupervisionStatus.RESPONDED)

    @property
    def subject(self) -> str:
        if self.ticket is not None:
            return f"{self.ticket.number} {self.ticket.title}"
        return str(self.team)


# --- time and cost --------------------------------------------------------------------------

#: One time entry covers at most a day's work (a forgotten timer is capped at it).
TIME_ENTRY_MAX_MINUTES = 24 * 60


class TimeEntry(models.Model):
    """Minutes a staff member worked on a ticket, logged by hand, with a reply/note or a timer.

    Each entry has one labour :class:`CostEntry` written with it at the hourly rate in force on
    its ``work_date`` (a snapshot: a later rate change does not rewrite it). Staff only: customers
    never see time or cost.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="time_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="time_entries",
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    billable = models.BooleanField(_("billable"), default=True)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("reply or note"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    work_date = models.DateField(_("work date"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-work_date", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=TIME_ENTRY_MAX_MINUTES),
                name="time_entry_minutes_range",
                violation_error_message=_("Minutes must be between 1 and 1440."),
            )
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="time_entry_ticket_idx"),
            models.Index(fields=["work_date", "user"], name="time_entry_date_idx"),
            models.Index(fields=["user", "work_date"], name="time_entry_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.user_id} {self.minutes} min"


class CostRate(models.Model):
    """An hourly cost (yuan) for one agent or for one team, in force from ``effective_from`` until
    the next rate of the same agent or team. An agent's own rate wins over their team's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cost_rates",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cost_rates",
    )
    hourly_cost = models.DecimalField(_("hourly cost (yuan)"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("hourly cost rate")
        verbose_name_plural = _("hourly cost rates")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True)
                | Q(user__isnull=True, team__isnull=False),
                name="cost_rate_user_or_team",
                violation_error_message=_("A rate is for an agent or for a team."),
            ),
            models.CheckConstraint(condition=Q(hourly_cost__gte=0), name="cost_rate_not_negative"),
            models.UniqueConstraint(
                fields=["user", "effective_from"],
                condition=Q(user__isnull=False),
                name="cost_rate_user_day_uniq",
            ),
            models.UniqueConstraint(
                fields=["team", "effective_from"],
                condition=Q(team__isnull=False),
                name="cost_rate_team_day_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.team}: {self.hourly_cost} from {self.effective_from}"


class CostEntry(models.Model):
    """One cost on a ticket in yuan: labour (written with each :class:`TimeEntry`), parts (the
    spare-parts app, later) or other. ``reference`` names the source for kinds other than labour
    (e.g. ``part:12``); a labour entry points at its time entry and keeps the rate it used."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="cost_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CostKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    billable = models.BooleanField(_("billable"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    time_entry = models.OneToOneField(
        TimeEntry,
        verbose_name=_("time entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cost_entry",
    )
    hourly_rate = models.DecimalField(
        _("hourly rate used"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reference = models.CharField(_("source"), max_length=64, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="cost_entry_date_idx"),
            models.Index(fields=["ticket", "occurred_at"], name="cost_entry_ticket_idx"),
            models.Index(fields=["user", "occurred_at"], name="cost_entry_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.amount}"


class Timer(models.Model):
    """A running timer: one per user and ticket, kept on the server; stopping it logs a
    :class:`TimeEntry` with the minutes since ``started_at``."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="timers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="timers",
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        verbose_name = _("timer")
        verbose_name_plural = _("timers")
        constraints = [
            models.UniqueConstraint(fields=["user", "ticket"], name="timer_user_ticket_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.ticket_id} since {self.started_at:%Y-%m-%d %H:%M}"


class TicketCount(models.Model):
    """Maintained counts behind the workspace's view tabs (``tickets.counts``).

    Each row is a *delta* for one (team, assignee) pair: how many tickets it adds to (or, when
    negative, removes from) each bucket. Database triggers on ``Ticket`` append a row for every
    insert, delete and change of status, team, assignee or SLA clock — whatever code wrote it,
    bulk updates included — so writers never wait on a shared counter row. ``counts.compact``
    folds the deltas into one row per pair (every minute, and whenever a read finds too many).
    0 stands for "no team" / "nobody", so that the pair is a plain key on both databases.
    """

    team_key = models.BigIntegerField(_("team"), default=0)
    assignee_key = models.BigIntegerField(_("assignee"), default=0)
    open = models.IntegerField(_("open"), default=0)
    pending = models.IntegerField(_("pending"), default=0)
    resolved = models.IntegerField(_("resolved"), default=0)
    due = models.IntegerField(_("SLA running"), default=0)
    breached = models.IntegerField(_("SLA breached"), default=0)

    class Meta:
        verbose_name = _("ticket count")
        verbose_name_plural = _("ticket counts")

    def __str__(self) -> str:
        return f"{self.team_key}/{self.assignee_key}: {self.open} open"
