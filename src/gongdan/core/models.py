"""Infrastructure tables shared by every app: the outbox of domain events."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change that caused it.

    Consumers (notifications, webhooks, realtime hints) read unprocessed rows in id order and mark
    them processed with a conditional UPDATE, so a retried or doubled consumer does no harm.
    """

    event_type = models.CharField(_("event type"), max_length=64, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # Dispatch bookkeeping (gongdan.jobs.outbox): a claim is a token plus a time after which
    # another consumer may take the row over (a crashed consumer's claim simply expires); a
    # failing subscriber pushes that time out with backoff.
    available_at = models.DateTimeField(_("available at"), null=True, blank=True)
    claim = models.CharField(_("claim"), max_length=32, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_unprocessed_idx",
                condition=models.Q(processed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"


class StoredFile(models.Model):
    """What every uploaded file keeps beside its ``file`` (declared by each model, with its own
    storage path): the sanitised display name, size, type, checksum, uploader and time."""

    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """One fixed-window request counter, for shapes whose cache cannot count atomically.

    The database cache's ``incr`` is a read followed by a write, so two web workers counting at
    once both write the same number and the limit leaks. A row bumped by ``UPDATE ... SET count =
    count + 1`` cannot lose a hit. The key names the window, so a row is never reset; rows whose
    window has ended are deleted when a new window opens (``gongdan.core.counters``).
    """

    key = models.CharField(_("key"), max_length=200, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"


class LiveEvent(models.Model):
    """One live-update hint (a ticket changed, a notification, presence), kept a few minutes.

    Every hint is a row, whatever the backend: its id is the cursor an SSE stream resumes from
    (``Last-Event-ID``) and the polling fallback reads from; SQLite streams poll this table, while
    Redis pub/sub or PostgreSQL ``NOTIFY`` carry the same row to the streams at once
    (``gongdan.core.live``). Rows older than ``LIVE_KEEP`` are deleted as new ones arrive.
    """

    kind = models.CharField(_("kind"), max_length=20)
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("live event")
        verbose_name_plural = _("live events")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
