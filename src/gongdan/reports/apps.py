from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gongdan.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from gongdan.reports import schedule_tasks  # noqa: F401  (registers the periodic job)
