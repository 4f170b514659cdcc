"""The append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which object, written by the service in the same transaction as the change.

    ``digest`` is the SHA-256 of every stored content column (``services.event_content``).
    The sealer (``chain.seal``, every minute) links events into a chain in the order it seals
    them: ``seq`` is the position, ``prev_digest`` the chain value before it and ``chain`` =
    HMAC-SHA256(key, prev_digest, seq, id, digest) with a key kept outside the database
    (``GONGDAN_AUDIT_KEY``). Changing, removing or inserting a sealed event breaks the chain,
    which ``gongdan manage audit_verify`` reports; recomputing the chain needs the key.
    """

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    # The actor's id is part of the sealed content, so it is never cleared: deleting a user
    # leaves it in place (no database constraint), the name in ``actor_label`` says who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict)
    digest = models.CharField(_("digest"), max_length=64)
    prev_digest = models.CharField(_("previous digest"), max_length=64, blank=True)
    seq = models.BigIntegerField(_("chain position"), null=True, blank=True, unique=True)
    chain = models.CharField(_("chain hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["id"], name="audit_unsealed_idx", condition=Q(seq__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


GENESIS = "0" * 64


class AuditHead(models.Model):
    """The end of the hash chain (one row): the last sealed position and its chain value.

    Someone with write access to the database can delete the newest events and move this row
    back to an earlier, genuine link. Keeping the anchor printed by ``audit_verify`` (position,
    count, chain value) elsewhere and checking against it (``audit_verify --anchor``) catches
    that: the anchored position must still exist with the anchored chain value.
    """

    seq = models.BigIntegerField(_("last position"), default=0)
    chain = models.CharField(_("chain hash"), max_length=64, default=GENESIS)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq}: {self.chain}"
