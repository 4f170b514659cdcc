"""Presence: who has a ticket open, and who is writing on it, until ``expires_at``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PresenceState(models.TextChoices):
    VIEWING = "viewing", _("viewing")
    REPLYING = "replying", _("replying")


class Presence(models.Model):
    """One person on one ticket page. Pages renew it every ``PRESENCE_RENEW`` seconds; a row past
    ``expires_at`` is ignored and deleted (a closed laptop leaves no ghost for long)."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=PresenceState.choices)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presence")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="live_presence_ticket_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.ticket_id}: {self.state}"
