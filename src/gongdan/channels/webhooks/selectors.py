"""Reads for webhook pages and the API (administrators only, checked here)."""

from __future__ import annotations

from django.db.models import QuerySet

from gongdan.accounts.models import User
from gongdan.channels.models import WebhookDelivery, WebhookSubscription
from gongdan.channels.policies import require_channel_manager
from gongdan.channels.webhooks.services import subscription_for


def subscription_list(*, user: User) -> QuerySet[WebhookSubscription]:
    require_channel_manager(user)
    return WebhookSubscription.objects.order_by("name", "id")


def delivery_list(*, user: User, subscription_id: int) -> QuerySet[WebhookDelivery]:
    """The subscription's deliveries log (403 for non-admins, 404 for an unknown id)."""
    sub = subscription_for(actor=user, subscription_id=subscription_id)
    return WebhookDelivery.objects.filter(subscription=sub).defer("body")
