from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


class CustomersConfig(AppConfig):
    name = "gongdan.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from gongdan.customers import shell_menu

        register_pages(shell_menu.PAGES)  # its pages in the workspace's Settings menu
