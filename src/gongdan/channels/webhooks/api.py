"""/api/v1/webhooks: outgoing webhook subscriptions and their deliveries (admins only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.channels.models import WebhookSubscription, masked
from gongdan.channels.webhooks import selectors, services
from gongdan.channels.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    DeliveryQuery,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)
from gongdan.core.api_support import ERRORS, paginate

router = Router(tags=["webhooks"])


def _out(sub: WebhookSubscription, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "name": sub.name,
        "url": sub.url,
        "event_types": sub.event_types,
        "include_internal": sub.include_internal,
        "is_active": sub.is_active,
        "secret": secret if secret is not None else masked(sub.secret),
        "consecutive_failures": sub.consecutive_failures,
        "disabled_at": sub.disabled_at,
        "created_at": sub.created_at,
    }


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS}, operation_id="webhooks_list")
def webhooks_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every webhook subscription (secrets masked)."""
    return [_out(s) for s in selectors.subscription_list(user=api_user(request))]


@router.post(
    "/webhooks", response={201: WebhookCreatedOut, **ERRORS}, operation_id="webhooks_create"
)
def webhooks_create(request: HttpRequest, payload: WebhookIn) -> Status:
    """Subscribe a URL to event types; the answer carries the secret in full, this once."""
    sub, secret = services.webhook_create(actor=api_user(request), **payload.dict())
    return Status(201, _out(sub, secret))


@router.patch(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, **ERRORS},
    operation_id="webhooks_update",
)
def webhooks_update(request: HttpRequest, webhook_id: int, payload: WebhookPatch) -> dict[str, Any]:
    """Change a subscription; switching it back on clears its failure count."""
    changes = payload.dict(exclude_none=True)
    sub = services.webhook_update(
        actor=api_user(request), subscription_id=webhook_id, changes=changes
    )
    return _out(sub)


@router.delete(
    "/webhooks/{webhook_id}", response={204: None, **ERRORS}, operation_id="webhooks_delete"
)
def webhooks_delete(request: HttpRequest, webhook_id: int) -> Status:
    """Delete a subscription and its deliveries log."""
    services.webhook_delete(actor=api_user(request), subscription_id=webhook_id)
    return Status(204, None)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response={200: DeliveryPage, **ERRORS},
    operation_id="webhooks_deliveries",
)
def webhooks_deliveries(
    request: HttpRequest, webhook_id: int, query: Query[DeliveryQuery]
) -> dict[str, Any]:
    """The deliveries log, newest first, keyset-paged."""
    qs = selectors.delivery_list(user=api_user(request), subscription_id=webhook_id)
    page = paginate(qs, ordering=["-id"], size=query.size, cursor=query.cursor)
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
    }


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut, **ERRORS},
    operation_id="webhooks_redeliver",
)
def webhooks_redeliver(request: HttpRequest, webhook_id: int, delivery_id: int) -> Status:
    """Send a logged delivery again (same body, new delivery id)."""
    delivery = services.webhook_redeliver(
        actor=api_user(request), subscription_id=webhook_id, delivery_pk=delivery_id
    )
    delivery.refresh_from_db()
    return Status(202, delivery)


@router.post(
    "/webhooks/{webhook_id}/ping",
    response={202: DeliveryOut, **ERRORS},
    operation_id="webhooks_ping",
)
def webhooks_ping(request: HttpRequest, webhook_id: int) -> Status:
    """Send a ``ping`` event now, to test the endpoint."""
    delivery = services.webhook_ping(actor=api_user(request), subscription_id=webhook_id)
    delivery.refresh_from_db()
    return Status(202, delivery)
