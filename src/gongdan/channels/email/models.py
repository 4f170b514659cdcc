"""Mailboxes, the messages they received (raw, kept for re-parsing) and the mail we sent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.core.fields import EncryptedTextField


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (local testing only)")


class Mailbox(models.Model):
    """An address customers write to. Mail arrives by IMAP polling or is piped by an MTA to the
    inbound endpoint (``Authorization: Bearer <secret>``; only its SHA-256 is stored)."""

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), unique=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket_type = models.ForeignKey(
        "tickets.TicketType",
        verbose_name=_("ticket type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = EncryptedTextField(_("IMAP password"), blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    poll_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=1)
    uid_validity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID fetched"), default=0)
    next_poll_at = models.DateTimeField(_("next poll at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    secret_hash = models.CharField(_("inbound secret (SHA-256)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class MailDomain(models.Model):
    """Mail from this domain belongs to this organization (new contacts join it)."""

    domain = models.CharField(_("domain"), max_length=200, unique=True)
    organization = models.ForeignKey(
        "customers.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mail domain")
        verbose_name_plural = _("mail domains")

    def __str__(self) -> str:
        return self.domain


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    TICKET = "ticket", _("New ticket")
    REPLY = "reply", _("Reply")
    IGNORED = "ignored", _("Ignored")
    QUARANTINED = "quarantined", _("Quarantined")


REASON_LABELS = {
    "no_sender": _("No sender address"),
    "parse_error": _("Could not be parsed"),
    "staff_without_ticket": _("Staff mail without a ticket"),
    "auto_submitted": _("Automatic message (Auto-Submitted)"),
    "precedence": _("Bulk or list mail (Precedence)"),
    "autoreply_header": _("Auto-reply header"),
    "delivery_report": _("Delivery report (bounce)"),
    "autoreply_subject": _("Auto-reply subject"),
    "own_address": _("Sent from our own address"),
    "rate_limited": _("Too many messages from this sender (loop guard)"),
}


class InboundMessage(models.Model):
    """One received message. ``message_key`` (the Message-ID, or a hash of the content) is
    unique per installation: a re-delivery, or the same mail in two mailboxes, is stored once."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message_key = models.CharField(_("message key"), max_length=255, unique=True)
    raw = models.BinaryField(_("raw message"))
    sender = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        indexes = [
            models.Index(fields=["sender", "received_at"], name="inbound_sender_idx"),
            models.Index(
                fields=["received_at"],
                name="inbound_quarantine_idx",
                condition=Q(status="quarantined"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"

    @property
    def reason_display(self) -> str:
        """Why the message was quarantined or ignored, for admins (unknown codes as they are:
        a processing failure stores its exception's name)."""
        return str(REASON_LABELS.get(self.reason, self.reason))

    @property
    def error_summary(self) -> str:
        """The last line of the stored error (for a traceback: the exception and its message)."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


class OutboundMessage(models.Model):
    """A mail we sent about a ticket: its Message-ID lets a reply find the ticket again."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=500)
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return self.message_id


class MailTemplate(models.Model):
    """An administrator's version of one mail in one language; without a row the shipped default
    (``mailtemplates.default_template``) is sent. Subject and bodies use ``{placeholder}``s from
    the key's whitelist only (``placeholders.py``)."""

    key = models.CharField(_("mail"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body (optional)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"],
                name="mail_template_key_language_unique",
                violation_error_message=_("This mail already has a template in this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"
