"""In-app notifications and each user's choice of what reaches them through which channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdan.notifications.choices import ChannelName, Kind


class Notification(models.Model):
    """One message to one user, shown in the notification centre until read.

    The sentence is rendered when shown, in the reader's language, from ``kind`` and ``data``
    (ticket number and title, actor name, statuses): nothing here is pre-translated.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A user's choice for one kind on one channel (no row: the channel's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelName.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"],
                name="notification_preference_once",
                violation_error_message=_("This preference is already set."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}: {self.enabled}"


class TeamNotificationOff(models.Model):
    """A team setting: its members are not told of ``kind`` on ``channel`` by default.

    A member's own preference always wins. A member of several teams loses a pair only when every
    one of their teams turned it off (being told twice beats missing an escalation).
    """

    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=20)

    class Meta:
        verbose_name = _("team notification default")
        verbose_name_plural = _("team notification defaults")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "kind", "channel"], name="team_notification_off_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.kind} {self.channel}: off"


class DigestSubscription(models.Model):
    """A user's daily digest by mail of their unread notifications (no row: no digest).

    ``last_sent_on`` is the day (in the desk's time zone) of the last digest: the daily job claims
    a user's day with a conditional UPDATE on it, so two workers never send the same day twice.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_digest",
    )
    enabled = models.BooleanField(_("daily digest by mail"), default=True)
    last_sent_on = models.DateField(_("last digest on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.enabled}"


class QuietMark(models.Model):
    """One row: history written up to ``quiet_before`` (seeded or imported) notifies nobody.

    Set by the commands that load history (``seed_demo``) through ``quiet_mark_set``; read by
    ``notify_many`` (the periodic sweeps), see ``services.QUIET_KINDS``.
    """

    quiet_before = models.DateTimeField(_("quiet before"))

    class Meta:
        verbose_name = _("notification quiet mark")
        verbose_name_plural = _("notification quiet marks")

    def __str__(self) -> str:
        return str(self.quiet_before)
