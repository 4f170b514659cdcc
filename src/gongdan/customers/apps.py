from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import GROUP_PEOPLE, STAFF, SettingsPage, settings_pages


class CustomersConfig(AppConfig):
    name = "gongdan.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        settings_pages.register(
            SettingsPage(
                key="customers",
                group=GROUP_PEOPLE,
                label=_("Organizations and contacts"),
                url_name="customers_desk:list",
                roles=STAFF,
                description=_("Customer companies and the people who ask for service"),
                order=30,
            )
        )
