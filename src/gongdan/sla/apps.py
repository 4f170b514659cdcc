from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


class SlaConfig(AppConfig):
    name = "gongdan.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        # engine connects its per-process policy cache's invalidation on import; tasks registers
        # the periodic jobs.
        from gongdan.sla import engine, hooks, shell_menu, tasks  # noqa: F401

        # The ticket services start, pause and meet clocks through tickets.hooks (below us).
        hooks.install()
        # Its pages in the workspace's Settings menu.
        register_pages(shell_menu.PAGES)
