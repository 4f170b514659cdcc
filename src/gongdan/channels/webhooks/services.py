"""Outgoing webhooks: subscriptions (admins only), dispatch, signed delivery, retries, auto-off.

Flow: an outbox subscriber calls :func:`webhooks_dispatch` for each event; it writes one pending
``WebhookDelivery`` per matching subscription (in the subscriber's transaction) and queues
``deliver_webhook`` after commit. :func:`delivery_attempt` claims the row with a conditional
UPDATE (pending → sending: two workers never send the same attempt), POSTs it outside any
transaction, then records the result. A failed automatic delivery gets a next attempt after
``GONGDAN_WEBHOOK_RETRY_BASE × 2^(attempt-1)`` seconds, up to ``GONGDAN_WEBHOOK_MAX_ATTEMPTS``;
the periodic ``webhook_retry_sweep`` sends due attempts whose queued job was lost. After
``GONGDAN_WEBHOOK_DISABLE_AFTER`` consecutive failures the subscription switches itself off, its
pending attempts are cancelled and the admins are told (in-app).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.audit.services import audit_record
from gongdan.channels import http
from gongdan.channels.choices import PING, DeliveryStatus, WebhookEvent
from gongdan.channels.models import WebhookDelivery, WebhookSubscription
from gongdan.channels.policies import require_channel_manager
from gongdan.channels.webhooks import payloads, signing
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.core.events import enqueue_on_commit
from gongdan.core.models import OutboxEvent
from gongdan.jobs.tasks import job
from gongdan.notifications.choices import Kind
from gongdan.notifications.services import notify

EXCERPT = 1000
STALE_SENDING = timedelta(minutes=10)
SWEEP_BATCH = 500
RESULT_FIELDS = ["status", "status_code", "response_excerpt", "error", "duration_ms"]


# --- configuration (admins) -------------------------------------------------------------------


def _clean(name: Any, url: Any, event_types: Any, secret: Any, *, creating: bool) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = str(name or "").strip()
    url = str(url or "").strip()
    if not name or len(name) > 100:
        fields["name"] = _("Enter a name of at most 100 characters.")
    try:
        URLValidator(schemes=["http", "https"])(url)
        if len(url) > 500:
            raise ValidationError("too long")
    except ValidationError:
        fields["url"] = _("Enter an http:// or https:// URL of at most 500 characters.")
    types = list(dict.fromkeys(event_types or []))
    if not types or any(t not in WebhookEvent.values for t in types):
        fields["event_types"] = _("Choose one or more known event types.")
    secret = str(secret or "").strip()
    if secret and not 16 <= len(secret) <= 200:
        fields["secret"] = _("A secret has 16 to 200 characters.")
    if fields:
        raise ValidationFailed(
            "webhook.invalid", _("Please correct the marked fields."), fields=fields
        )
    refused = http.refused_url_message(url)
    if refused is not None:  # checked again at every delivery: DNS can change
        raise ValidationFailed("webhook.private_address", refused, fields={"url": refused})
    if creating and not secret:
        secret = "whsec_" + secrets.token_urlsafe(24)
    return {"name": name, "url": url, "event_types": types, "secret": secret}


def _audit_data(sub: WebhookSubscription) -> dict[str, Any]:
    return {
        "name": sub.name,
        "url": sub.url,
        "event_types": sub.event_types,
        "include_internal": sub.include_internal,
        "active": sub.is_active,
    }


def webhook_create(
    *,
    actor: User,
    name: str,
    url: str,
    event_types: list[str],
    secret: str = "",
    include_internal: bool = False,
    is_active: bool = True,
) -> tuple[WebhookSubscription, str]:
    """Create a subscription; returns it with its secret (generated when not given).

    The secret is returned this once; pages and the API show it masked afterwards.
    """
    require_channel_manager(actor)
    clean = _clean(name, url, event_types, secret, creating=True)
    with transaction.atomic():
        sub = WebhookSubscription.objects.create(
            **clean, include_internal=include_internal, is_active=is_active, created_by=actor
        )
        audit_record(actor=actor, action="webhook.created", obj=sub, data=_audit_data(sub))
    return sub, clean["secret"]


def subscription_for(*, actor: User, subscription_id: int) -> WebhookSubscription:
    """The subscription, for an admin; 403 for anyone else, 404 when there is none."""
    require_channel_manager(actor)
    sub = WebhookSubscription.objects.filter(pk=subscription_id).first()
    if sub is None:
        raise NotFound("webhook.not_found", _("No such webhook subscription."))
    return sub


def webhook_update(
    *, actor: User, subscription_id: int, changes: dict[str, Any]
) -> WebhookSubscription:
    """Change name, URL, event types, secret, internal notes or active.

    Switching a subscription back on clears its failure count and ``disabled_at``.
    """
    sub = subscription_for(actor=actor, subscription_id=subscription_id)
    clean = _clean(
        changes.get("name", sub.name),
        changes.get("url", sub.url),
        changes.get("event_types", sub.event_types),
        changes.get("secret") or "",
        creating=False,
    )
    with transaction.atomic():
        sub.name, sub.url, sub.event_types = clean["name"], clean["url"], clean["event_types"]
        if clean["secret"]:
            sub.secret = clean["secret"]
        if "include_internal" in changes:
            sub.include_internal = bool(changes["include_internal"])
        if "is_active" in changes:
            active = bool(changes["is_active"])
            if active and not sub.is_active:
                sub.consecutive_failures, sub.disabled_at = 0, None
            sub.is_active = active
        sub.save()
        data = {**_audit_data(sub), "secret_changed": bool(clean["secret"])}
        audit_record(actor=actor, action="webhook.updated", obj=sub, data=data)
    return sub


def webhook_delete(*, actor: User, subscription_id: int) -> None:
    """Delete a subscription and its deliveries log."""
    sub = subscription_for(actor=actor, subscription_id=subscription_id)
    with transaction.atomic():
        audit_record(actor=actor, action="webhook.deleted", obj=sub, data=_audit_data(sub))
        sub.delete()


def webhook_ping(*, actor: User, subscription_id: int) -> WebhookDelivery:
    """Send a ``ping`` event now (also to a switched-off subscription; never retried)."""
    sub = subscription_for(actor=actor, subscription_id=subscription_id)
    now = timezone.now()
    event_id = f"ping_{secrets.token_hex(8)}"
    data = {"subscription": {"id": sub.pk, "name": sub.name}}
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            subscription=sub,
            event_id=event_id,
            event_type=PING,
            manual=True,
            body=payloads.envelope_body(event_id, PING, now, data),
            scheduled_at=now,
        )
        enqueue_on_commit(deliver_webhook, delivery.pk)
    return delivery


def webhook_redeliver(*, actor: User, subscription_id: int, delivery_pk: int) -> WebhookDelivery:
    """Send a logged delivery again, with the same body and a new delivery id (not retried)."""
    sub = subscription_for(actor=actor, subscription_id=subscription_id)
    old = WebhookDelivery.objects.filter(pk=delivery_pk, subscription=sub).first()
    if old is None:
        raise NotFound("webhook.delivery_not_found", _("No such delivery."))
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            subscription=sub,
            event_id=old.event_id,
            event_type=old.event_type,
            manual=True,
            body=old.body,
            scheduled_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="webhook.redelivered",
            obj=sub,
            data={"delivery": old.pk, "event": old.event_id},
        )
        enqueue_on_commit(deliver_webhook, delivery.pk)
    return delivery


# --- dispatch (outbox subscriber) -------------------------------------------------------------


def webhooks_dispatch(event: OutboxEvent) -> int:
    """Queue one delivery per active subscription that wants ``event`` (call in a transaction).

    Internal notes reach only subscriptions with ``include_internal``.
    """
    subs = [
        s
        for s in WebhookSubscription.objects.filter(is_active=True)
        if event.event_type in (s.event_types or [])
    ]
    if not subs:
        return 0
    built = payloads.event_data(event.event_type, event.payload)
    if built is None:
        return 0
    data, internal = built
    event_id = f"evt_{event.pk}"
    body = payloads.envelope_body(event_id, event.event_type, event.created_at, data)
    now = timezone.now()
    rows = [
        WebhookDelivery(
            subscription=s,
            event_id=event_id,
            event_type=event.event_type,
            body=body,
            scheduled_at=now,
        )
        for s in subs
        if s.include_internal or not internal
    ]
    for row in rows:
        row.save()
        enqueue_on_commit(deliver_webhook, row.pk)
    return len(rows)


# --- delivery ---------------------------------------------------------------------------------


def backoff_seconds(attempt: int) -> int:
    """Wait before attempt ``attempt + 1``: base × 2^(attempt-1) (30 s, 60 s, 120 s, …)."""
    return int(settings.GONGDAN_WEBHOOK_RETRY_BASE * 2 ** (attempt - 1))


def _send(delivery: WebhookDelivery, sub: WebhookSubscription, now: datetime) -> http.HttpResult:
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Gongdan-Event": delivery.event_type,
        "X-Gongdan-Delivery": str(delivery.delivery_id),
        "X-Gongdan-Signature": signing.header(sub.secret, timestamp, delivery.body),
    }
    return http.request("POST", sub.url, body=delivery.body.encode(), headers=headers)


def delivery_attempt(delivery_pk: int, *, now: datetime | None = None) -> str | None:
    """Send one pending attempt; returns its final status (None when another worker had it)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, started_at=now
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_pk)
    sub = delivery.subscription
    if not sub.is_active and not delivery.manual:
        WebhookDelivery.objects.filter(pk=delivery_pk).update(status=DeliveryStatus.CANCELLED)
        return DeliveryStatus.CANCELLED
    result = _send(delivery, sub, now)
    with transaction.atomic():
        return _settle(delivery, sub, result, now)


def _settle(
    delivery: WebhookDelivery, sub: WebhookSubscription, result: http.HttpResult, now: datetime
) -> str:
    delivery.status_code = result.status
    delivery.response_excerpt = result.text[:EXCERPT]
    delivery.error = result.error[:500]
    delivery.duration_ms = result.duration_ms
    if result.ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.save(update_fields=RESULT_FIELDS)
        WebhookSubscription.objects.filter(pk=sub.pk).update(consecutive_failures=0)
        return delivery.status
    delivery.status = DeliveryStatus.FAILED
    WebhookSubscription.objects.filter(pk=sub.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    sub.refresh_from_db(fields=["consecutive_failures", "is_active"])
    retry = (
        not delivery.manual
        and sub.is_active
        and delivery.attempt < settings.GONGDAN_WEBHOOK_MAX_ATTEMPTS
        and sub.consecutive_failures < settings.GONGDAN_WEBHOOK_DISABLE_AFTER
    )
    if retry:
        delay = backoff_seconds(delivery.attempt)
        delivery.next_retry_at = now + timedelta(seconds=delay)
        following = WebhookDelivery.objects.create(
            subscription=sub,
            delivery_id=delivery.delivery_id,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            attempt=delivery.attempt + 1,
            body=delivery.body,
            scheduled_at=delivery.next_retry_at,
        )
        transaction.on_commit(lambda: deliver_webhook.schedule(args=(following.pk,), delay=delay))
    delivery.save(update_fields=[*RESULT_FIELDS, "next_retry_at"])
    if sub.consecutive_failures >= settings.GONGDAN_WEBHOOK_DISABLE_AFTER:
        _switch_off(sub, now)
    return delivery.status


def _switch_off(sub: WebhookSubscription, now: datetime) -> None:
    """Turn the subscription off once (conditional UPDATE) and tell the admins."""
    if not WebhookSubscription.objects.filter(pk=sub.pk, is_active=True).update(
        is_active=False, disabled_at=now
    ):
        return
    WebhookDelivery.objects.filter(subscription=sub, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED
    )
    sub.is_active, sub.disabled_at = False, now
    audit_record(
        actor=None,
        action="webhook.disabled",
        obj=sub,
        data={"failures": sub.consecutive_failures},
    )
    notify(
        recipients=User.objects.filter(role=Role.ADMIN, is_active=True),
        kind=Kind.WEBHOOK_DISABLED,
        data={"webhook": sub.name, "webhook_id": sub.pk, "failures": sub.consecutive_failures},
    )


def deliveries_retry_due(*, now: datetime | None = None) -> int:
    """Queue the attempts that are due (their scheduled job may be lost); revive stuck rows.

    Returns how many were queued; each job claims its row, so a doubled queue sends once.
    """
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=DeliveryStatus.SENDING, started_at__lt=now - STALE_SENDING
    ).update(status=DeliveryStatus.PENDING)
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, scheduled_at__lte=now)
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in due:  # one job each: a slow endpoint must not hold up the others
        deliver_webhook(pk)
    return len(due)


def deliveries_purge(*, now: datetime | None = None) -> int:
    """Delete finished log rows older than ``GONGDAN_WEBHOOK_LOG_DAYS``; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.GONGDAN_WEBHOOK_LOG_DAYS)
    finished = [DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED]
    deleted, _ = WebhookDelivery.objects.filter(created_at__lt=cutoff, status__in=finished).delete()
    return deleted


@job(retries=0)
def deliver_webhook(delivery_pk: int) -> str | None:
    """Send one pending attempt (a no-op when another worker already took it)."""
    return delivery_attempt(delivery_pk)
