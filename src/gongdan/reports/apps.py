from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


class ReportsConfig(AppConfig):
    name = "gongdan.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The outbox subscriber keeps the report facts and rollups in step with the tickets.
        from gongdan.reports import (
            schedule_tasks,  # noqa: F401  (registers the scheduled reports' periodic job)
            shell_menu,
            subscribers,  # noqa: F401
        )

        register_pages(shell_menu.PAGES)  # its pages in the workspace's Settings menu
