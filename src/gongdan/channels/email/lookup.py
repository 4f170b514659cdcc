"""Portal progress-lookup codes for email addresses, by mail (outbox ``portal.lookup_code``).

Codes for mobile numbers are the SMS channel's (``channels/sms/lookup.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from gongdan.core.events import enqueue_on_commit
from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.jobs.tasks import job
from gongdan.tickets.services.lookup import EVENT_TYPE


@job()
def send_lookup_code(address: str, number: str, code: str) -> str:
    """Mail one code (in the site's language: the visitor has no profile)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your code for ticket %(number)s: %(code)s") % {"number": number, "code": code}
        body = render_to_string(
            "email_channel/lookup_code.txt",
            {"number": number, "code": code, "lookup": f"{settings.SITE_URL}/portal/lookup/"},
        )
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], headers=headers).send()
    return address


@subscriber(EVENT_TYPE, name="channels.email.lookup_code")
def on_lookup_code(event: OutboxEvent) -> None:
    payload = event.payload
    address, code = str(payload.get("address", "")), str(payload.get("code", ""))
    if "@" not in address or not code or not settings.GONGDAN_EMAIL_ENABLED:
        return
    enqueue_on_commit(send_lookup_code, address, str(payload.get("ticket", "")), code)
