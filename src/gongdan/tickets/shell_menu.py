"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import ADMIN_ONLY, GROUP_TICKETS, SUPERVISORS, SettingsPage

PAGES = (
    SettingsPage(
        key="ticket_types",
        group=GROUP_TICKETS,
        label=_("Ticket types"),
        url_name="ticket_settings:types",
        roles=ADMIN_ONLY,
        description=_("Default teams and skill requirements"),
        order=10,
    ),
    SettingsPage(
        key="categories",
        group=GROUP_TICKETS,
        label=_("Categories"),
        url_name="ticket_settings:categories",
        roles=ADMIN_ONLY,
        description=_("The category tree, per ticket type"),
        order=20,
    ),
    SettingsPage(
        key="cost_rates",
        group=GROUP_TICKETS,
        label=_("Hourly cost"),
        url_name="tickets:cost_rates",
        roles=SUPERVISORS,
        description=_("Cost per hour of logged time, by team or agent, for the cost report"),
        order=80,
    ),
)
