"""Per-user notifications through a WeCom self-built app (the ``wecom`` channel).

Registered with ``register_channel("wecom", …)`` only when ``GONGDAN_WECOM_NOTIFY_APP`` names a
``WecomApp``. The recipient is the user's WeCom userid (``ImIdentity``); users without one are
skipped. The sentence is the in-app one, in the user's language, with a link to the ticket.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from gongdan.channels.choices import Vendor
from gongdan.channels.messages import notification_markdown
from gongdan.channels.models import ImIdentity, WecomApp
from gongdan.channels.wecom.transport import send_app_message
from gongdan.jobs.tasks import job


@job()
def send_wecom_notification(
    user_id: int, kind: str, ticket_id: int | None, data: dict[str, Any]
) -> bool:
    """Send one notification to one user; False when there is nobody or nothing to send to."""
    app = WecomApp.objects.filter(code=settings.GONGDAN_WECOM_NOTIFY_APP, is_active=True).first()
    identity = (
        ImIdentity.objects.select_related("user")
        .filter(user_id=user_id, vendor=Vendor.WECOM, user__is_active=True)
        .first()
    )
    if app is None or identity is None or not app.secret:
        return False
    _title, text = notification_markdown(identity.user, kind, data)
    send_app_message(app, identity.external_id, text)
    return True


@job()
def send_wecom_text(app_id: int, touser: str, content: str) -> bool:
    """Send one message from an app to a WeCom userid (acknowledgements of inbound messages)."""
    app = WecomApp.objects.filter(pk=app_id, is_active=True).first()
    if app is None or not app.secret or app.agent_id is None:
        return False
    send_app_message(app, touser, content)
    return True
