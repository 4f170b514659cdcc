from django.db import models
from django.utils.translation import gettext_lazy as _


class Vendor(models.TextChoices):
    """The Chinese IM suites a team robot or an inbound app belongs to."""

    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    FEISHU = "feishu", _("Feishu (飞书)")


class RobotEvent(models.TextChoices):
    """Team-level events a group robot can post."""

    TICKET_CREATED = "ticket.created", _("A ticket was created in the team")
    TICKET_HURRIED = "ticket.hurried", _("A customer asked to hurry up (催办)")
    SLA_WARNING = "sla.warning", _("An SLA target is close to being missed")
    SLA_BREACHED = "sla.breached", _("An SLA target was missed")
    SLA_ESCALATED = "sla.escalated", _("An SLA escalation fired")


class WebhookEvent(models.TextChoices):
    """Event types an outgoing webhook subscription can ask for (stable dotted names)."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    TICKET_ASSIGNED = "ticket.assigned", _("Ticket assigned")
    COMMENT_CREATED = "comment.created", _("Comment added")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACHED = "sla.breached", _("SLA breached")


PING = "ping"  # the test event; never subscribed to, sent on request


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class SmsVendor(models.TextChoices):
    """SMS providers with a transport in ``channels.sms.transport``."""

    ALIYUN = "aliyun", _("Aliyun SMS (阿里云短信)")
    TENCENT = "tencent", _("Tencent Cloud SMS (腾讯云短信)")
