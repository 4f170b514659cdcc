from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


class NotificationsConfig(AppConfig):
    name = "gongdan.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Outbox subscribers: ticket events become notifications.
        from gongdan.notifications import shell_menu, subscribers

        # The periodic sweeps (core.sweeps, below this app) hand their notifications to us.
        subscribers.install()
        # Its pages in the workspace's Settings menu.
        register_pages(shell_menu.PAGES)
