"""Channels beyond in-app notifications: IM group robots, WeCom apps, outgoing webhooks.

Secrets (robot URLs and signing secrets, app secrets, callback keys, access tokens, webhook
secrets) are stored encrypted (``core.fields.EncryptedTextField``) and are never shown back in
full: pages, the admin and the API show ``masked(secret)``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team
from gongdan.channels.choices import DeliveryStatus, SmsVendor, Vendor
from gongdan.core.fields import EncryptedTextField


def masked(secret: str) -> str:
    """What pages show of a secret: its last four characters at most."""
    if not secret:
        return ""
    return "••••" + (secret[-4:] if len(secret) >= 12 else "")


class TeamRobot(models.Model):
    """A group robot of WeCom, DingTalk or Feishu that posts a team's events to a group chat.

    ``events`` lists the ``RobotEvent`` values it posts. DingTalk and Feishu robots sign their
    requests with ``secret`` (加签); WeCom robots carry their key in the URL.
    """

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="robots"
    )
    vendor = models.CharField(_("vendor"), max_length=16, choices=Vendor.choices)
    name = models.CharField(_("name"), max_length=100)
    # The URL carries the robot's key (WeCom ``key=``, DingTalk ``access_token=``): encrypted too.
    webhook_url = EncryptedTextField(_("webhook URL"), validators=[URLValidator()])
    secret = EncryptedTextField(_("signing secret"), blank=True)
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["team_id", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_vendor_display()})"


class WecomApp(models.Model):
    """A WeCom self-built app (自建应用): receives messages (callback) and sends them to users.

    ``code`` names it in the callback URL ``/channels/wecom/callback/<code>/``. ``token`` and
    ``encoding_aes_key`` are the callback settings from the WeCom admin console; ``corp_id`` is
    the ReceiveId of decrypted messages; ``secret`` and ``agent_id`` send messages. The access
    token is cached in the row so every process shares it.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    corp_id = models.CharField(_("corp ID"), max_length=64)
    agent_id = models.PositiveIntegerField(_("agent ID"), null=True, blank=True)
    secret = EncryptedTextField(_("app secret"), blank=True)
    token = EncryptedTextField(_("callback token"))
    encoding_aes_key = EncryptedTextField(_("EncodingAESKey"))
    api_base_url = models.URLField(
        _("API base URL"), max_length=200, default="https://qyapi.weixin.qq.com"
    )
    is_active = models.BooleanField(_("active"), default=True)
    access_token = EncryptedTextField(_("access token"), blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("WeCom app")
        verbose_name_plural = _("WeCom apps")

    def __str__(self) -> str:
        return self.name


class ImApp(models.Model):
    """A DingTalk or Feishu self-built app that sends notifications to individual users.

    DingTalk: ``app_key``/``app_secret`` get the token, ``agent_id`` sends work notifications
    (工作通知). Feishu: ``app_key`` is the App ID, ``app_secret`` the App Secret (tenant token).
    The token is cached in the row so every process shares it.
    """

    vendor = models.CharField(
        _("vendor"),
        max_length=16,
        choices=[(Vendor.DINGTALK, Vendor.DINGTALK.label), (Vendor.FEISHU, Vendor.FEISHU.label)],
    )
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    app_key = models.CharField(_("app key / app ID"), max_length=100)
    app_secret = EncryptedTextField(_("app secret"))
    agent_id = models.PositiveBigIntegerField(_("agent ID"), null=True, blank=True)
    api_base_url = models.URLField(
        _("API base URL"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the vendor's public API."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    access_token = EncryptedTextField(_("access token"), blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("DingTalk or Feishu app")
        verbose_name_plural = _("DingTalk and Feishu apps")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_vendor_display()})"


class ImIdentity(models.Model):
    """Who a user is on an IM suite (the WeCom userid, …): used to deliver and to recognise."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="im_identities",
    )
    vendor = models.CharField(_("vendor"), max_length=16, choices=Vendor.choices)
    external_id = models.CharField(_("ID on the IM suite"), max_length=64)

    class Meta:
        verbose_name = _("IM identity")
        verbose_name_plural = _("IM identities")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "external_id"],
                name="channels_identity_unique_external",
                violation_error_message=_("This IM account already belongs to a user."),
            ),
            models.UniqueConstraint(
                fields=["user", "vendor"],
                name="channels_identity_unique_user",
                violation_error_message=_("The user already has an account on this IM suite."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}:{self.external_id}"


class InboundMessage(models.Model):
    """An IM message taken in: the unique (vendor, app, msg id) makes a re-delivery a no-op."""

    vendor = models.CharField(_("vendor"), max_length=16, choices=Vendor.choices)
    app_code = models.CharField(_("app"), max_length=50)
    msg_id = models.CharField(_("message ID"), max_length=64)
    sender = models.CharField(_("sender"), max_length=64)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=32)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inbound IM message")
        verbose_name_plural = _("inbound IM messages")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "app_code", "msg_id"],
                name="channels_inbound_unique_msg",
                violation_error_message=_("This message was already received."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor}:{self.msg_id}"


class WebhookSubscription(models.Model):
    """An outgoing webhook: events of ``event_types`` are POSTed, signed, to ``url``.

    Internal notes are sent only when ``include_internal`` is set. After
    ``GONGDAN_WEBHOOK_DISABLE_AFTER`` consecutive failed attempts the subscription switches
    itself off (``disabled_at``) and admins are told.
    """

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = EncryptedTextField(_("secret"))
    event_types = models.JSONField(_("event types"), default=list)
    include_internal = models.BooleanField(_("include internal notes"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One attempt to POST one event to one subscription (the deliveries log).

    ``delivery_id`` (header ``X-Gongdan-Delivery``) is shared by the retries of one delivery;
    ``event_id`` (the payload's ``id``) is shared by every delivery of one event. A failed
    attempt with retries left points at the next one through ``next_retry_at``.
    """

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    delivery_id = models.UUIDField(_("delivery ID"), default=uuid.uuid4)
    event_id = models.CharField(_("event ID"), max_length=64)
    event_type = models.CharField(_("event"), max_length=40)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    manual = models.BooleanField(_("redelivered by hand"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    body = models.TextField(_("body"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=1000, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    scheduled_at = models.DateTimeField(_("due at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    next_retry_at = models.DateTimeField(_("next retry at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="channels_delivery_due"),
            models.Index(fields=["subscription", "-id"], name="channels_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.attempt} → {self.subscription_id}"


def _new_form_key() -> str:
    return uuid.uuid4().hex


class WebForm(models.Model):
    """A public ticket form a company embeds in its own website (``/channels/webform/<key>/``).

    Submissions become tickets of ``ticket_type`` in ``team``'s queue without an account.
    ``allowed_origins`` (one ``https://host[:port]`` per line) may frame the page and call the
    JSON endpoint from the browser (CORS); no other site may.
    """

    key = models.SlugField(_("key"), max_length=64, unique=True, default=_new_form_key)
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="web_forms",
    )
    ticket_type = models.ForeignKey(
        "tickets.TicketType",
        verbose_name=_("ticket type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="web_forms",
    )
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        help_text=_("Sites that may embed this form, one per line, e.g. https://www.example.com"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def origins(self) -> list[str]:
        """The allowed origins, normalised (lower case, no trailing slash)."""
        return [o.strip().rstrip("/").lower() for o in self.allowed_origins.split() if o.strip()]


class SmsProvider(models.Model):
    """An SMS provider account (Aliyun or Tencent Cloud) configured in the workspace.

    The first active one sends SMS notifications and portal lookup codes; without one, the
    ``GONGDAN_SMS_*`` settings do. ``template`` is the approved notification template,
    ``code_template`` the verification-code template (variable ``code``). ``key_secret`` is
    stored encrypted and never shown back. ``last_test_*`` keep the last test send's outcome.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    vendor = models.CharField(_("vendor"), max_length=16, choices=SmsVendor.choices)
    key_id = models.CharField(_("access key ID / SecretId"), max_length=100)
    key_secret = EncryptedTextField(_("access key secret / SecretKey"))
    sign_name = models.CharField(_("signature (签名)"), max_length=50)
    template = models.CharField(_("notification template"), max_length=50)
    code_template = models.CharField(_("verification code template"), max_length=50, blank=True)
    app_id = models.CharField(_("SDK app ID (Tencent)"), max_length=50, blank=True)
    region = models.CharField(_("region (Tencent)"), max_length=50, blank=True)
    endpoint = models.URLField(
        _("API endpoint"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the vendor's public API."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_test_at = models.DateTimeField(_("last test at"), null=True, blank=True, editable=False)
    last_test_ok = models.BooleanField(_("last test succeeded"), null=True, editable=False)
    last_test_result = models.CharField(_("last test result"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS provider")
        verbose_name_plural = _("SMS providers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_vendor_display()})"
