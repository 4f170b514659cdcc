"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import (
    GROUP_SERVICE,
    STAFF,
    SUPERVISORS,
    SettingsPage,
)

PAGES = (
    SettingsPage(
        key="assignment",
        group=GROUP_SERVICE,
        label=_("Smart assignment"),
        url_name="assignment:agents",
        roles=STAFF,  # agents see their own load; team leads set their members' capacity
        description=_("Agents' load, capacity and availability; each team's assignment mode"),
        order=40,
    ),
    SettingsPage(
        key="assignment_rules",
        group=GROUP_SERVICE,
        label=_("Assignment rules"),
        url_name="assignment:rules",
        roles=SUPERVISORS,
        description=_("Which tickets go to which team or agent"),
        order=50,
    ),
    SettingsPage(
        key="skills",
        group=GROUP_SERVICE,
        label=_("Skills"),
        url_name="assignment:skills",
        roles=SUPERVISORS,
        description=_("Skills agents hold and tickets require"),
        order=60,
    ),
)
