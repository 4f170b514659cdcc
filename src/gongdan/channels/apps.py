from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "gongdan.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from django.conf import settings

        from gongdan.channels import (
            im_notify,
            subscribers,  # noqa: F401  (registers outbox subscribers)
        )
        from gongdan.channels.sms import lookup as sms_lookup  # noqa: F401  (outbox subscriber)
        from gongdan.channels.sms import notify as sms_notify
        from gongdan.channels.sms.transport import provider_from_settings
        from gongdan.channels.webhooks import tasks  # noqa: F401  (registers the jobs)
        from gongdan.channels.wecom import notify as wecom_notify
        from gongdan.notifications.services import register_channel

        if settings.GONGDAN_WECOM_NOTIFY_APP:
            register_channel("wecom", wecom_notify.send_wecom_notification)
        if settings.GONGDAN_DINGTALK_NOTIFY_APP:
            register_channel("dingtalk", im_notify.send_dingtalk_notification)
        if settings.GONGDAN_FEISHU_NOTIFY_APP:
            register_channel("feishu", im_notify.send_feishu_notification)
        if provider_from_settings() is not None:
            register_channel("sms", sms_notify.send_sms_notification)
