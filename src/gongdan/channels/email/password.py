"""Set or reset a password by mail: customers created from inbound mail (or a web form) have a
login without a usable password; this is how they get one, and how anyone who forgot theirs
gets a new one.

The request never says whether the address is known: every request is counted against the
rate limits, and the logins are looked up and mailed by background jobs
(``find_password_logins``, then ``send_password_link``), so the answer and its timing are the same
either way. The job makes the token itself, so no token
ever sits in the queue or in a ``FailedTask`` row. The mail is the editable ``account.password``
template.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from gongdan.accounts.models import User
from gongdan.accounts.people import password_mailers
from gongdan.channels.email import mailtemplates
from gongdan.core.events import enqueue_on_commit
from gongdan.jobs.tasks import job


def password_link_request(*, address: str) -> None:
    """Ask for a link to every active login with ``address`` (usually one; none is fine).

    The request only enqueues the look-up: known and unknown addresses cost the request the same.
    """
    address = address.strip()
    if "@" not in address or not settings.GONGDAN_EMAIL_ENABLED:
        return
    enqueue_on_commit(find_password_logins, address)


@job()
def find_password_logins(address: str) -> int:
    """One mail job per active login with ``address`` (each retried on its own)."""
    logins = list(
        User.objects.filter(email__iexact=address, is_active=True).values_list("pk", flat=True)
    )
    for pk in logins:
        send_password_link(pk)
    return len(logins)


def password_link_mail(user_id: int) -> None:
    """Mail one user a set-password link after the caller's transaction commits (an invitation
    or an administrator's reset; ``accounts.people.password_mailers``)."""
    if settings.GONGDAN_EMAIL_ENABLED:
        enqueue_on_commit(send_password_link, user_id)


def install() -> None:
    """Register :func:`password_link_mail` as the mailer of ``accounts.people``."""
    password_mailers.register(password_link_mail)


def password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("portal:password_reset_confirm", args=[uid, token])
    return f"{settings.SITE_URL}{path}"


@job()
def send_password_link(user_id: int) -> str:
    """Mail the link (valid for ``PASSWORD_RESET_TIMEOUT``; used once: the token covers the
    password hash and the last login)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    language = mailtemplates.language_of(user.language)
    values = {
        "recipient.name": user.display_name or user.username,
        "reset.link": password_link(user),
        "site.url": str(settings.SITE_URL),
    }
    with translation.override(language):
        rendered = mailtemplates.render_mail(mailtemplates.PASSWORD, language, values)
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    mail = EmailMultiAlternatives(
        rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers
    )
    if rendered.html:
        mail.attach_alternative(rendered.html, "text/html")
    mail.send(fail_silently=False)
    return user.email
