from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import register_pages


class TicketsConfig(AppConfig):
    name = "gongdan.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # The per-process ticket-type cache connects its invalidation on import.
        from gongdan.tickets import refdata, shell_menu  # noqa: F401
        from gongdan.tickets.counts import clear_when_empty
        from gongdan.tickets.mention_text import install

        register_pages(shell_menu.PAGES)  # its pages in the workspace's Settings menu
        install()  # how the ``ticket.mention`` timeline entry reads
        post_migrate.connect(clear_when_empty, sender=self, dispatch_uid="tickets-counts-flush")
