from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import GROUP_CHANNELS, SettingsPage, settings_pages


class ChannelsConfig(AppConfig):
    name = "gongdan.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from gongdan.channels import (
            notify_channels,
            report_robots,
            shell_menu,
            subscribers,  # noqa: F401  (registers outbox subscribers)
        )
        from gongdan.channels.sms import lookup as sms_lookup  # noqa: F401  (outbox subscriber)
        from gongdan.channels.webhooks import tasks  # noqa: F401  (registers the jobs)

        # Deliver notifications over the configured channels (notifications sits below us).
        notify_channels.install()
        # Scheduled reports post their summaries to group robots (reports sits below us).
        report_robots.install()
        # Its pages in the workspace's Settings menu.
        shell_menu.register()

        for key, label, url_name, description, order in (
            ("web_forms", _("Web forms"), "channel_settings:webforms", _("Embed snippet"), 10),
            ("im_apps", _("IM apps"), "channel_settings:im_apps", _("WeCom, DingTalk, Feishu"), 20),
            ("sms", _("SMS providers"), "channel_settings:sms_list", _("With a test send"), 30),
        ):
            settings_pages.register(
                SettingsPage(
                    key=key,
                    group=GROUP_CHANNELS,
                    label=label,
                    url_name=url_name,
                    description=description,
                    order=order,
                )
            )
