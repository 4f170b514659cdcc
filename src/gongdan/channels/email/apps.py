from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailChannelConfig(AppConfig):
    name = "gongdan.channels.email"
    label = "email_channel"
    verbose_name = _("Email channel")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongdan.channels.email import lookup, outbound, password  # noqa: F401 - channel and subscriber

        # Invitations and administrators' resets mail the set-password link (accounts.people).
        password.install()
