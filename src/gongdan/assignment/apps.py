from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


class AssignmentConfig(AppConfig):
    name = "gongdan.assignment"
    label = "assignment"
    verbose_name = _("Smart assignment")

    def ready(self) -> None:
        # engine and services connect their per-process caches' invalidation on import;
        # subscribers and tasks register the outbox subscribers and jobs.
        from gongdan.assignment import (  # noqa: F401
            engine,
            hooks,
            services,
            shell_menu,
            subscribers,
            tasks,
            triggers,
        )

        # The ticket services assign automatically through tickets.hooks (below us).
        hooks.install()
        # Its pages in the workspace's Settings menu.
        register_pages(shell_menu.PAGES)
        # A migration that rebuilds a table on SQLite drops its triggers: put them back.
        post_migrate.connect(triggers.ensure, sender=self, dispatch_uid="asg-triggers")
