"""Portal sign-up by mail: the request only enqueues a job; the job mails the address either a
link to confirm it and open the account, or, when the address already has an account, a link to
set that account's password (the ``account.password`` mail). The sign-up page answers the same in
both cases and takes the same time, so it does not tell which addresses have accounts; the job
makes the link itself, so no link sits in the queue or in a ``FailedTask`` row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from gongdan.accounts.models import User
from gongdan.channels.email import mailtemplates
from gongdan.channels.email.password import send_password_link
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
    """Mail the confirmation link, or the existing owner's password link instead."""
    holder = User.objects.filter(email__iexact=email).order_by("pk").first()
    if holder is not None and owns_address(holder):
        if holder.is_active:
            send_password_link(holder.pk)
            return "owner"
        return "skipped"
    pending = PendingSignUp(name=name, email=email, language=language, secret=secret)
    language = mailtemplates.language_of(language)
    values = {
        "recipient.name": name or email,
        "confirm.link": registration_link(registration_token(pending=pending)),
        "site.url": str(settings.SITE_URL),
    }
    with translation.override(language):
        rendered = mailtemplates.render_mail(mailtemplates.REGISTER, language, values)
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    mail = EmailMultiAlternatives(
        rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [email], headers=headers
    )
    if rendered.html:
        mail.attach_alternative(rendered.html, "text/html")
    mail.send(fail_silently=False)
    return "link"
