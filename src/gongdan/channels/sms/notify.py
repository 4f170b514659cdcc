"""The ``sms`` notification channel: registered when an SMS provider is configured.

Recipients are users with a mobile number (others are skipped). The template gets the ticket
number and the in-app sentence in the user's language, shortened to the vendors' limit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from gongdan.accounts.models import User
from gongdan.channels.sms.transport import TEXT_MAX, configured_provider
from gongdan.jobs.tasks import job
from gongdan.notifications.models import Notification
from gongdan.notifications.presenters import notification_text


def sms_params(user: User, kind: str, data: dict[str, Any]) -> dict[str, str]:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = " ".join(
            notification_text(Notification(recipient=user, kind=kind, data=data)).split()
        )
    if len(text) > TEXT_MAX:
        text = text[: TEXT_MAX - 1] + "…"
    return {"number": str(data.get("number") or ""), "text": text}


@job()
def send_sms_notification(
    user_id: int, kind: str, ticket_id: int | None, data: dict[str, Any]
) -> bool:
    """Send one notification by SMS; False when the user has no number or SMS is not set up.

    A vendor error raises ``ChannelError``: the job retries, then records a ``FailedTask``.
    """
    provider, _code_template = configured_provider()
    user = User.objects.filter(pk=user_id, is_active=True).exclude(mobile="").first()
    if provider is None or user is None:
        return False
    provider.send(user.mobile, sms_params(user, kind, data))
    return True
