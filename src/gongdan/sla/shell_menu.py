"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import GROUP_SERVICE, SUPERVISORS, SettingsPage

PAGES = (
    SettingsPage(
        key="sla_policies",
        group=GROUP_SERVICE,
        label=_("SLA policies"),
        url_name="sla_policies:list",
        roles=SUPERVISORS,
        description=_("Targets, conditions and escalation levels"),
        order=10,
    ),
    SettingsPage(
        key="calendars",
        group=GROUP_SERVICE,
        label=_("Business calendars"),
        url_name="calendars:list",
        roles=SUPERVISORS,
        description=_("Working hours, public holidays and make-up workdays for SLA clocks"),
        order=20,
    ),
    SettingsPage(
        key="sla_simulator",
        group=GROUP_SERVICE,
        label=_("SLA simulator"),
        url_name="sla_tools:simulator",
        roles=SUPERVISORS,
        description=_("Try when a target would fall due under a calendar"),
        order=90,
    ),
)
