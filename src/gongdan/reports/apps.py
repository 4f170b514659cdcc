from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gongdan.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The outbox subscriber keeps the report facts and rollups in step with the tickets.
        from gongdan.reports import subscribers  # noqa: F401
