"""The inbound endpoint for MTAs that pipe mail: POST the raw RFC 822 message.

Whatever the message holds, it is stored and answered 202 (a message that cannot be parsed is
quarantined for an admin); only a failure to store it answers 503, so the MTA retries later.

    curl -H "Authorization: Bearer $SECRET" -H "Content-Type: message/rfc822" \\
         --data-binary @mail.eml https://helpdesk.example.cn/channels/email/inbound/1/
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gongdan.accounts import lockout
from gongdan.channels.email.intake import mailbox_for_secret, receive

logger = logging.getLogger(__name__)
MAX_BYTES = 30 * 1024 * 1024


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


@csrf_exempt
@require_POST
def inbound(request: HttpRequest, mailbox_id: int) -> JsonResponse:
    auth = request.headers.get("Authorization", "")
    secret = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    # Secrets are guessed like passwords: the same lockout, and no check while locked.
    name = f"mailbox:{mailbox_id}"
    wait = lockout.retry_after(request, name)
    if wait:
        response = _error("auth.locked", _("Too many wrong secrets. Try again later."), 429)
        response["Retry-After"] = str(wait)
        return response
    mailbox = mailbox_for_secret(mailbox_id, secret)
    if mailbox is None:
        lockout.failed(request, name)
        return _error("auth.invalid_secret", _("Unknown mailbox or wrong secret."), 401)
    length = request.headers.get("Content-Length", "")
    if (int(length) if length.isdigit() else 0) > MAX_BYTES:
        return _error("mail.too_large", _("The message is too large."), 413)
    raw = request.body
    if not raw.strip():
        return _error("mail.empty", _("The message is empty."), 400)
    try:
        message, fresh = receive(raw, mailbox=mailbox)
    except Exception:  # the database, not the message: the MTA keeps the mail and retries
        logger.exception("inbound mail for mailbox %s could not be stored", mailbox.pk)
        return _error("mail.unavailable", _("The message could not be stored; try again."), 503)
    return JsonResponse(
        {
            "id": message.pk,
            "status": message.status,
            "reason": message.reason,
            "duplicate": not fresh,
            "ticket": message.ticket.number if message.ticket_id and message.ticket else None,
        },
        status=202 if fresh else 200,
    )
