from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailChannelConfig(AppConfig):
    name = "gongdan.channels.email"
    label = "email_channel"
    verbose_name = _("Email channel")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongdan.accounts.people import password_mailers
        from gongdan.channels.email import lookup, outbound  # noqa: F401 - channel and subscriber
        from gongdan.channels.email.password import password_link_mail

        # Invitations and administrators' resets mail the set-password link (accounts.people).
        password_mailers.register(password_link_mail)
