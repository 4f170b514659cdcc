"""Which channels deliver notifications besides the in-app centre, registered at start-up.

``notifications`` (below this app) decides who is told what; each configured channel here
registers its sender with ``notifications.services.register_channel`` from
``ChannelsConfig.ready()``.
"""

from __future__ import annotations

from django.conf import settings

from gongdan.channels import im_notify
from gongdan.channels.sms import notify as sms_notify
from gongdan.channels.sms.transport import provider_from_settings
from gongdan.channels.wecom import notify as wecom_notify
from gongdan.notifications.services import register_channel


def install() -> None:
    """Register the senders of the channels the settings switch on."""
    if settings.GONGDAN_WECOM_NOTIFY_APP:
        register_channel("wecom", wecom_notify.send_wecom_notification)
    if settings.GONGDAN_DINGTALK_NOTIFY_APP:
        register_channel("dingtalk", im_notify.send_dingtalk_notification)
    if settings.GONGDAN_FEISHU_NOTIFY_APP:
        register_channel("feishu", im_notify.send_feishu_notification)
    if provider_from_settings() is not None:
        register_channel("sms", sms_notify.send_sms_notification)
