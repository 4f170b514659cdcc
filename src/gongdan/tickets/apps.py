from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "gongdan.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # The per-process ticket-type cache connects its invalidation on import.
        from gongdan.tickets import refdata  # noqa: F401
        from gongdan.tickets.mention_text import install

        install()  # how the ``ticket.mention`` timeline entry reads
