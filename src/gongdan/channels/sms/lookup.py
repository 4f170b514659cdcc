"""Portal progress-lookup codes for mobile numbers, by SMS (outbox ``portal.lookup_code``).

Needs a provider and ``GONGDAN_SMS_CODE_TEMPLATE`` (an approved verification-code template with
one variable, ``code``). Codes for email addresses are left to the email channel.
"""

from __future__ import annotations

from gongdan.channels.sms.transport import configured_provider
from gongdan.core.events import enqueue_on_commit
from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.jobs.tasks import job
from gongdan.tickets.services.lookup import EVENT_TYPE


@job()
def send_sms_code(mobile: str, code: str) -> bool:
    """Send one lookup code; False when SMS or its code template is not configured."""
    provider, template = configured_provider()
    if provider is None or not template:
        return False
    provider.send(mobile, {"code": code}, template=template)
    return True


@subscriber(EVENT_TYPE, name="channels.sms.lookup_code")
def on_lookup_code(event: OutboxEvent) -> None:
    address, code = str(event.payload.get("address", "")), str(event.payload.get("code", ""))
    if not address or "@" in address or not code:
        return
    provider, template = configured_provider()
    if provider is None or not template:
        return
    enqueue_on_commit(send_sms_code, address, code)
