"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``). Team leads
who are not administrators reach their teams' defaults from their notification preferences."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import ADMIN_ONLY, GROUP_DESK, SettingsPage

PAGES = (
    SettingsPage(
        key="notification_defaults",
        group=GROUP_DESK,
        label=_("Team notification defaults"),
        url_name="notifications:team_list",
        roles=ADMIN_ONLY,
        description=_("What each team's members are notified of, until they choose"),
        order=50,
    ),
)
