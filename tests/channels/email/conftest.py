"""Real mail servers for the email tests: Dovecot (IMAP) and aiosmtpd (SMTP), on free ports."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from gongdan.channels.email.models import Mailbox
from gongdan.testing import World
from tests.channels.email.corpus import MAILBOX

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox(world: World) -> Mailbox:
    return Mailbox.objects.create(
        name="Support", address=MAILBOX, team=world.it_team, ticket_type=world.incident
    )


@dataclass
class Imap:
    port: int
    user: str = "support"
    password: str = "imap-test-pass"

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def append(self, *raws: bytes) -> None:
        conn = self.connect()
        try:
            for raw in raws:
                conn.append("INBOX", None, None, raw)
        finally:
            conn.logout()


@pytest.fixture
def dovecot() -> Iterator[Imap]:
    """A Dovecot IMAP server of our own: plain IMAP on 127.0.0.1, one user, Maildir in tmp."""
    if not os.path.exists(DOVECOT):
        pytest.fail("Dovecot is missing: scripts/test installs Debian's dovecot-imapd")
    if os.geteuid() != 0:
        pytest.skip("Dovecot's test instance runs as root (as in CI)")
    port = free_port()
    # Dovecot's auth process runs as the 'dovecot' user: its files live in a directory it can
    # reach (pytest's tmp_path sits under a 0700 directory).
    root = Path(tempfile.mkdtemp(prefix="gongdan-dovecot-"))
    os.chmod(root, 0o755)
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(parents=True)
    imap = Imap(port=port)
    (root / "passwd").write_text(f"{imap.user}:{{PLAIN}}{imap.password}::::::\n")
    owner = pwd.getpwnam("dovecot")  # mail is stored as Dovecot's own user (never as root)
    for sub in ("mail", "home"):
        os.chown(root / sub, owner.pw_uid, owner.pw_gid)
    config = f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    conf = root / "dovecot.conf"
    conf.write_text(config)
    os.chmod(root, 0o755)
    errors = (root / "stderr.log").open("wb")
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stderr=errors)
    deadline = time.monotonic() + 20
    while True:
        try:
            imap.connect().logout()
            break
        except (OSError, imaplib.IMAP4.error):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=10)
                err = (root / "stderr.log").read_text(errors="replace")
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                pytest.fail(f"Dovecot did not start: {err}\n{log}")
            time.sleep(0.1)
    yield imap
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    errors.close()
    shutil.rmtree(root, ignore_errors=True)


@dataclass
class Smtp:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    raws: list[bytes] = field(default_factory=list)
    reject: str = ""  # an SMTP reply ("550 …") given to every recipient instead of accepting it
    refused: list[str] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


class _Handler:
    def __init__(self, sink: Smtp) -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.sink.reject:
            self.sink.refused.append(address)
            return self.sink.reject
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.sink.raws.append(raw)
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.sink.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Smtp]:
    """An aiosmtpd server; Django's SMTP backend sends to it; the email channel is switched on."""
    from aiosmtpd.controller import Controller

    from gongdan.channels.email import outbound
    from gongdan.notifications import services

    port = free_port()
    sink = Smtp(port=port)
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    settings.DEFAULT_FROM_EMAIL = f"gongdan <{MAILBOX}>"
    before = dict(services._channels)
    outbound.register()
    try:
        yield sink
    finally:
        services._channels.clear()
        services._channels.update(before)
        controller.stop()
