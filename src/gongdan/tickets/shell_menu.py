"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import GROUP_TICKETS, SUPERVISORS, SettingsPage, settings_pages


def register() -> None:
    settings_pages.register(
        SettingsPage(
            key="cost_rates",
            group=GROUP_TICKETS,
            label=_("Hourly cost"),
            url_name="tickets:cost_rates",
            roles=SUPERVISORS,
            description=_("Cost per hour of logged time, by team or agent, for the cost report"),
            order=80,
        )
    )
