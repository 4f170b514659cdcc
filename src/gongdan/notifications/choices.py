from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; users choose per kind and channel whether to get it."""

    TICKET_ASSIGNED = "ticket.assigned", _("A ticket was assigned to me")
    CUSTOMER_REPLIED = "ticket.customer_replied", _("A customer replied on my ticket")
    NOTE_ADDED = "ticket.note_added", _("A colleague added an internal note on my ticket")
    MENTIONED = "ticket.mentioned", _("A colleague mentioned me in an internal note")
    STAFF_REPLIED = "ticket.staff_replied", _("The service desk replied on my ticket")
    STATUS_CHANGED = "ticket.status_changed", _("The status of my ticket changed")
    TICKET_RECEIVED = "ticket.received", _("My request by mail was received as a ticket")
    CUSTOMER_ACTED = "ticket.customer_acted", _("A customer confirmed, reopened or cancelled")
    HURRIED = "ticket.hurried", _("A customer asked to hurry up (催办)")
    SLA_WARNING = "sla.warning", _("An SLA target of my ticket is close to being missed")
    SLA_ESCALATED = "sla.escalated", _("An SLA escalation reached me")
    SLA_REMINDER = "sla.reminder", _("An SLA target of my ticket is due soon")
    REMINDER = "ticket.reminder", _("A reminder I set (or was set for me) is due")
    SUPERVISION_OPENED = "supervision.opened", _("A supervision (督办) needs my answer")
    SUPERVISION_RESPONDED = "supervision.responded", _("A supervision (督办) I opened was answered")
    SUPERVISION_DECIDED = (
        "supervision.decided",
        _("My answer to a supervision (督办) was accepted or returned"),
    )
    SUPERVISION_OVERDUE = (
        "supervision.overdue",
        _("A supervision (督办) is close to or past its deadline"),
    )
    CALENDAR_NEXT_YEAR = (
        "calendar.next_year_missing",
        _("Next year's official holidays are missing from a business calendar"),
    )
    WEBHOOK_DISABLED = (
        "webhook.disabled",
        _("A webhook subscription was switched off after repeated failures"),
    )
    NO_AGENT = "assignment.no_agent", _("No agent of my team could take a new ticket")
    ARTICLE_REVIEW = "article.review", _("A knowledge article waits for my review")
    ARTICLE_DECIDED = "article.decided", _("My knowledge article was published or sent back")
    # In-app only: the report itself comes by mail (``reports.schedule_engine``).
    REPORT_SENT = "report.sent", _("A scheduled report was sent to me")


class ChannelName(models.TextChoices):
    """Where a notification goes. In-app is built in; the others register when configured."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("Email")
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


STAFF_KINDS = [
    Kind.TICKET_ASSIGNED,
    Kind.CUSTOMER_REPLIED,
    Kind.NOTE_ADDED,
    Kind.CUSTOMER_ACTED,
    Kind.HURRIED,
    Kind.SLA_WARNING,
    Kind.SLA_ESCALATED,
    Kind.SLA_REMINDER,
    Kind.REMINDER,
    Kind.SUPERVISION_OPENED,
    Kind.SUPERVISION_RESPONDED,
    Kind.SUPERVISION_DECIDED,
    Kind.SUPERVISION_OVERDUE,
    Kind.NO_AGENT,
    Kind.ARTICLE_REVIEW,
    Kind.ARTICLE_DECIDED,
    Kind.MENTIONED,
]
CUSTOMER_KINDS = [Kind.STAFF_REPLIED, Kind.STATUS_CHANGED, Kind.TICKET_RECEIVED]
ADMIN_KINDS = [Kind.CALENDAR_NEXT_YEAR, Kind.WEBHOOK_DISABLED]
#: Shown in the app only, never mailed as a notification (the mail itself is the message).
IN_APP_ONLY_KINDS = [Kind.REPORT_SENT]
