from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Tuples, not sets: the order is fixed, so generated SQL (and the is_open column) is stable.
OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING, Status.REOPENED)
FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}


class Channel(models.TextChoices):
    WEB = "web", _("Workspace")
    PORTAL = "portal", _("Customer portal")
    WEBFORM = "webform", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat / WeCom")
    API = "api", _("API")
    QR = "qr", _("QR code")


class LinkKind(models.TextChoices):
    RELATED = "related", _("Related to")
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")


class TimelineKind(models.TextChoices):
    CREATED = "ticket.created", _("Created")
    STATUS_CHANGED = "ticket.status_changed", _("Status changed")
    ASSIGNED = "ticket.assigned", _("Assignee changed")
    TEAM_CHANGED = "ticket.team_changed", _("Team changed")
    PRIORITY_CHANGED = "ticket.priority_changed", _("Priority changed")
    TYPE_CHANGED = "ticket.type_changed", _("Type changed")
    CATEGORY_CHANGED = "ticket.category_changed", _("Category changed")
    FIELD_CHANGED = "ticket.field_changed", _("Field changed")
    TAGS_CHANGED = "ticket.tags_changed", _("Tags changed")
    REPLY = "comment.reply", _("Public reply")
    NOTE = "comment.note", _("Internal note")
    ATTACHMENT = "attachment.added", _("Attachment added")
    CHILD_CREATED = "ticket.child_created", _("Child ticket created")
    LINKED = "ticket.linked", _("Linked")
    MERGED = "ticket.merged", _("Merged into another ticket")
    MERGED_FROM = "ticket.merged_from", _("Another ticket merged in")
    WATCHER_ADDED = "ticket.watcher_added", _("Watcher added")
    HURRIED = "ticket.hurried", _("Hurry request (催办)")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACHED = "sla.breached", _("SLA breached")
    SLA_ESCALATED = "sla.escalated", _("SLA escalated")
    SLA_REMINDER = "sla.reminder", _("SLA reminder")
    SUPERVISION_OPENED = "supervision.opened", _("Supervision (督办) opened")
    SUPERVISION_RESPONDED = "supervision.responded", _("Supervision (督办) answered")
    SUPERVISION_ACCEPTED = "supervision.accepted", _("Supervision (督办) accepted")
    SUPERVISION_RETURNED = "supervision.returned", _("Supervision (督办) returned")
    SUPERVISION_CLOSED = "supervision.closed", _("Supervision (督办) closed")
    SUPERVISION_OVERDUE = "supervision.overdue", _("Supervision (督办) overdue")
    SUPERVISION_ESCALATED = "supervision.escalated", _("Supervision (督办) escalated")
    AUTO_ASSIGNED = "ticket.auto_assigned", _("Smart assignment")
    MAIL_FAILED = "mail.failed", _("Mail not delivered")
    TIME_LOGGED = "time.logged", _("Time logged")
    TIME_DELETED = "time.deleted", _("Time entry deleted")


class SlaTarget(models.TextChoices):
    """What a service promise measures (SLA targets; here because the timeline names them)."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class EscalationAction(models.TextChoices):
    """What an SLA escalation did (kept on its timeline entry)."""

    NOTIFIED_ASSIGNEE = "notified_assignee", _("notified the assignee")
    NOTIFIED_LEAD = "notified_lead", _("notified the team lead")
    NOTIFIED_SUPERVISORS = "notified_supervisors", _("notified the supervisors")
    RAISED_PRIORITY = "raised_priority", _("raised the priority")
    MOVED_TEAM = "moved_team", _("moved the ticket to another team")
    ADDED_WATCHERS = "added_watchers", _("added watchers")


class SupervisionStatus(models.TextChoices):
    """督办: open → answered → accepted (or returned to open); closed with its ticket; cancelled."""

    OPEN = "open", _("Open")
    RESPONDED = "responded", _("Answered")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed with the ticket")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_SUPERVISION = (SupervisionStatus.OPEN, SupervisionStatus.RESPONDED)


class CostKind(models.TextChoices):
    """What a cost entry on a ticket is for (spare parts add theirs as ``part``)."""

    LABOUR = "labour", _("Labour")
    PART = "part", _("Parts")
    OTHER = "other", _("Other")
