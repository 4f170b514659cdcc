from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


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
        register_pages(shell_menu.PAGES)
