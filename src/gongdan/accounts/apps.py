from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


class AccountsConfig(AppConfig):
    name = "gongdan.accounts"
    label = "accounts"
    verbose_name = _("Accounts and teams")

    def ready(self) -> None:
        from gongdan.accounts import shell_menu

        register_pages(shell_menu.PAGES)  # its pages in the workspace's Settings menu
