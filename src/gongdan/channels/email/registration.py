"""Portal sign-up by mail: the request only enqueues a job; the job mails the address either a
link to confirm it and open the account (``account.register``), or, when a login owns the
address, a note to its owner with a sign-in link and a password link (``account.exists``). The
sign-up page answers the same in both cases and takes the same time, so it does not tell which
addresses have accounts; the job makes the link itself, so no link sits in the queue or in a
``FailedTask`` row. Mails greet by address: a sign-up never puts a stranger's words in a mail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from gongdan.accounts.models import User
from gongdan.channels.email import mailtemplates
from gongdan.channels.email.password import password_link
from gongdan.core.events import enqueue_on_commit
from gongdan.customers.ownership import owns_address
from gongdan.customers.registration import (
    PendingSignUp,
    registration_secret,
    registration_token,
)
from gongdan.jobs.tasks import job


def registration_link_request(*, name: str, email: str, password: str, language: str) -> None:
    """Ask for a sign-up mail to ``email`` (nothing happens while the desk cannot send mail)."""
    email = email.strip().lower()
    if "@" not in email or not settings.GONGDAN_EMAIL_ENABLED:
        return
    enqueue_on_commit(send_registration_mail, name, email, registration_secret(password), language)


def registration_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('portal:register_confirm', args=[token])}"


@job()
def send_registration_mail(name: str, email: str, secret: str, language: str) -> str:
    """Mail the confirmation link, or tell the address's owner (sign in, or set a password)."""
    holder = User.objects.filter(email__iexact=email).order_by("pk").first()
    if holder is not None and owns_address(holder):
        if not holder.is_active:
            return "skipped"
        values = {
            "recipient.name": holder.display_name or email,
            "login.link": f"{settings.SITE_URL}{reverse('portal:login')}",
            "reset.link": password_link(holder),
            "site.url": str(settings.SITE_URL),
        }
        _send(mailtemplates.EXISTS, holder.language or language, email, values)
        return "owner"
    pending = PendingSignUp(name=name, email=email, language=language, secret=secret)
    values = {
        # The address, not the typed name: a sign-up must not put a stranger's words in a mail.
        "recipient.name": email,
        "confirm.link": registration_link(registration_token(pending=pending)),
        "site.url": str(settings.SITE_URL),
    }
    _send(mailtemplates.REGISTER, language, email, values)
    return "link"


def _send(key: str, language: str, address: str, values: dict[str, str]) -> None:
    language = mailtemplates.language_of(language)
    with translation.override(language):
        rendered = mailtemplates.render_mail(key, language, values)
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    mail = EmailMultiAlternatives(
        rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [address], headers=headers
    )
    if rendered.html:
        mail.attach_alternative(rendered.html, "text/html")
    mail.send(fail_silently=False)
