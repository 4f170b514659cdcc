"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import ADMIN_ONLY, GROUP_DESK, GROUP_PEOPLE, SettingsPage

PAGES = (
    SettingsPage(
        key="desk",
        group=GROUP_DESK,
        label=_("Desk name and logo"),
        url_name="accounts:settings_desk",
        roles=ADMIN_ONLY,
        description=_("The name and logo shown in the workspace"),
        order=10,
    ),
    SettingsPage(
        key="users",
        group=GROUP_PEOPLE,
        label=_("Users"),
        url_name="accounts:settings_users",
        roles=ADMIN_ONLY,
        description=_("Invite, roles, teams, deactivate, reset passwords"),
        order=10,
    ),
    SettingsPage(
        key="teams",
        group=GROUP_PEOPLE,
        label=_("Teams"),
        url_name="accounts:settings_teams",
        roles=ADMIN_ONLY,
        description=_("Service desks by region or function, members and leads"),
        order=20,
    ),
)
