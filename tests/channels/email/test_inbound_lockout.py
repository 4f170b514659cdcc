"""The MTA inbound endpoint's bearer secret is under the sign-in lockout: repeated wrong secrets
from one address answer 429 ``auth.locked`` with ``Retry-After``, and no secret is checked
meanwhile."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.test import Client

from gongdan.channels.email.models import InboundMessage, Mailbox
from tests.channels.email.corpus import cases


def _post(mailbox: Mailbox, secret: str, ip: str = "10.5.5.5") -> Any:
    return Client(REMOTE_ADDR=ip).post(
        f"/channels/email/inbound/{mailbox.pk}/",
        cases()[0].raw,
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_wrong_mailbox_secrets_lock_the_endpoint(mailbox: Mailbox, settings: Any) -> None:
    settings.GONGDAN_LOGIN_FAILURES_PER_NAME = 3
    settings.GONGDAN_LOGIN_FAILURES_PER_IP = 50
    settings.GONGDAN_LOGIN_WINDOW = 600
    mailbox.secret_hash = hashlib.sha256(b"pipe-secret").hexdigest()
    mailbox.save()
    cache.clear()

    guesses = [_post(mailbox, f"guess-{n}").status_code for n in range(3)]
    locked = _post(mailbox, "pipe-secret", ip="10.5.5.6")

    assert guesses == [401, 401, 401]
    assert locked.status_code == 429 and locked.json()["code"] == "auth.locked"
    assert 1 <= int(locked["Retry-After"]) <= settings.GONGDAN_LOGIN_WINDOW
    assert InboundMessage.objects.count() == 0
    cache.clear()  # the window has passed
    assert _post(mailbox, "pipe-secret").status_code == 202
