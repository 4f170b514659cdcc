from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "gongdan.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Registers the Huey signal handler (failed tasks) and the periodic jobs.
        from gongdan.jobs import tasks

        # A commit that wrote outbox events asks a consumer for a dispatch (core sits below jobs).
        tasks.install()
