"""Background jobs: failed tasks kept for admins, the scheduler lease, outbox deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdan.core.models import OutboxEvent


class FailedTask(models.Model):
    """A background task that failed after its last retry: kept, shown to admins, retriable.

    Written by the Huey error signal (``jobs.tasks``) and by the outbox dispatcher when a
    subscriber keeps failing. Retrying enqueues the same task with the same arguments again.
    """

    class State(models.TextChoices):
        FAILED = "failed", _("failed")
        RETRIED = "retried", _("retried")
        DISMISSED = "dismissed", _("dismissed")

    task_name = models.CharField(_("task"), max_length=200, db_index=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.FAILED, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.get_state_display()})"


class SchedulerLease(models.Model):
    """Who may enqueue periodic jobs right now: one consumer at a time, renewed every minute."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    holder = models.CharField(_("holder"), max_length=200)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("scheduler lease")
        verbose_name_plural = _("scheduler leases")

    def __str__(self) -> str:
        return f"{self.name}: {self.holder}"


class OutboxDelivery(models.Model):
    """One outbox event handed to one subscriber, written in the subscriber's own transaction.

    The unique pair is what makes delivery exactly-once: a second consumer (or a retry after a
    crash) that reaches the same event finds the row and skips the subscriber.
    """

    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.CharField(_("subscriber"), max_length=100)
    delivered_at = models.DateTimeField(_("delivered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox delivery")
        verbose_name_plural = _("outbox deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"],
                name="outbox_delivery_once",
                violation_error_message=_("This event was already delivered to this subscriber."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscriber}"
