"""Per-user notifications through DingTalk work notifications and Feishu app messages.

Registered as the ``dingtalk`` / ``feishu`` channels only when ``GONGDAN_DINGTALK_NOTIFY_APP`` /
``GONGDAN_FEISHU_NOTIFY_APP`` name an active ``ImApp``. The recipient is the user's userid on
that suite (``ImIdentity``); users without one are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from gongdan.channels.choices import Vendor
from gongdan.channels.dingtalk.app import send_work_notification
from gongdan.channels.feishu.app import send_user_message
from gongdan.channels.messages import notification_markdown
from gongdan.channels.models import ImApp, ImIdentity
from gongdan.jobs.tasks import job

SENDERS: dict[str, Callable[[ImApp, str, str, str], None]] = {
    Vendor.DINGTALK: send_work_notification,
    Vendor.FEISHU: send_user_message,
}


def app_code(vendor: str) -> str:
    if vendor == Vendor.DINGTALK:
        return str(settings.GONGDAN_DINGTALK_NOTIFY_APP)
    return str(settings.GONGDAN_FEISHU_NOTIFY_APP)


def deliver_to_user(vendor: str, user_id: int, kind: str, data: dict[str, Any]) -> bool:
    """Send one notification; False when there is no app or no account to send to."""
    app = ImApp.objects.filter(vendor=vendor, code=app_code(vendor), is_active=True).first()
    identity = (
        ImIdentity.objects.select_related("user")
        .filter(user_id=user_id, vendor=vendor, user__is_active=True)
        .first()
    )
    if app is None or identity is None:
        return False
    title, text = notification_markdown(identity.user, kind, data)
    SENDERS[vendor](app, identity.external_id, title, text)
    return True


@job()
def send_dingtalk_notification(
    user_id: int, kind: str, ticket_id: int | None, data: dict[str, Any]
) -> bool:
    return deliver_to_user(Vendor.DINGTALK, user_id, kind, data)


@job()
def send_feishu_notification(
    user_id: int, kind: str, ticket_id: int | None, data: dict[str, Any]
) -> bool:
    return deliver_to_user(Vendor.FEISHU, user_id, kind, data)
