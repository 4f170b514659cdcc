"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import GROUP_PEOPLE, STAFF, SettingsPage

PAGES = (
    SettingsPage(
        key="customers",
        group=GROUP_PEOPLE,
        label=_("Organizations and contacts"),
        url_name="customers_desk:list",
        roles=STAFF,
        description=_("Customer companies and the people who ask for service"),
        order=30,
    ),
)
