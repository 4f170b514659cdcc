"""Portal progress-lookup codes for email addresses, by mail (outbox ``portal.lookup_code``).

Codes for mobile numbers are the SMS channel's (``channels/sms/lookup.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from gongdan.channels.email import mailtemplates
from gongdan.core.events import enqueue_on_commit
from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.jobs.tasks import job
from gongdan.tickets.services.lookup import EVENT_TYPE


@job()
def send_lookup_code(address: str, number: str, code: str) -> str:
    """Mail one code (in the site's language: the visitor has no profile)."""
    language = mailtemplates.language_of(settings.LANGUAGE_CODE)
    values = {
        "ticket.number": number,
        "code": code,
        "lookup.link": f"{settings.SITE_URL}/portal/lookup/",
        "site.url": str(settings.SITE_URL),
    }
    with translation.override(language):
        rendered = mailtemplates.render_mail(mailtemplates.LOOKUP_CODE, language, values)
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    mail = EmailMultiAlternatives(
        rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [address], headers=headers
    )
    if rendered.html:
        mail.attach_alternative(rendered.html, "text/html")
    mail.send()
    return address


@subscriber(EVENT_TYPE, name="channels.email.lookup_code")
def on_lookup_code(event: OutboxEvent) -> None:
    payload = event.payload
    address, code = str(payload.get("address", "")), str(payload.get("code", ""))
    if "@" not in address or not code or not settings.GONGDAN_EMAIL_ENABLED:
        return
    enqueue_on_commit(send_lookup_code, address, str(payload.get("ticket", "")), code)
