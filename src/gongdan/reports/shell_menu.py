"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import GROUP_REPORTS, SUPERVISORS, SettingsPage

PAGES = (
    SettingsPage(
        key="report_schedules",
        group=GROUP_REPORTS,
        label=_("Scheduled reports"),
        url_name="report_schedules:list",
        roles=SUPERVISORS,
        description=_("Reports mailed or posted to group robots on a schedule"),
    ),
)
