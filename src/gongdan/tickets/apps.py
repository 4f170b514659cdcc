from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "gongdan.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from gongdan.accounts.models import Team
        from gongdan.tickets import refdata
        from gongdan.tickets.models import TicketType

        for model in (TicketType, Team):
            for signal in (post_save, post_delete):
                signal.connect(refdata.invalidate, sender=model, dispatch_uid=f"refdata-{model}")
