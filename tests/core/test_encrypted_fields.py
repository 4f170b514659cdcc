"""Sensitive columns are encrypted at rest: a database dump holds no usable secret, the app
reads plain values, keys can be rotated, and a wrong key fails loudly instead of silently."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from gongdan.channels.choices import Vendor
from gongdan.channels.email.models import Mailbox
from gongdan.channels.models import TeamRobot, WebhookSubscription
from gongdan.core import crypto
from gongdan.core.fields import decrypt_existing, encrypt_existing
from gongdan.core.management.commands.rotate_field_keys import encrypted_columns
from gongdan.testing import World

URL = "https://oapi.dingtalk.com/robot/send?access_token=tok-9f8e7d6c5b4a"
SECRET = "SEC0123456789abcdef0123456789abcdef"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def _robot(world: World) -> TeamRobot:
    return TeamRobot.objects.create(
        team=world.it_team, vendor=Vendor.DINGTALK, name="值班群", webhook_url=URL, secret=SECRET
    )


def test_secrets_are_ciphertext_in_the_database_and_plain_in_the_app(world: World) -> None:
    robot = _robot(world)
    box = Mailbox.objects.create(name="s", address="s@gongdan.test", imap_password="imap-pass")

    stored = [
        _raw("channels_teamrobot", "webhook_url", robot.pk),
        _raw("channels_teamrobot", "secret", robot.pk),
        _raw("email_channel_mailbox", "imap_password", box.pk),
    ]

    assert all(value.startswith("gdenc1:") for value in stored)
    assert not any(p in "".join(stored) for p in ("tok-9f8e7d6c5b4a", SECRET, "imap-pass"))
    fresh = TeamRobot.objects.get(pk=robot.pk)
    assert (fresh.webhook_url, fresh.secret) == (URL, SECRET)
    assert Mailbox.objects.get(pk=box.pk).imap_password == "imap-pass"
    # Each write encrypts anew (random IV): equal secrets do not show as equal ciphertexts.
    other = _robot(world)
    assert _raw("channels_teamrobot", "secret", other.pk) != stored[1]


def test_queryset_updates_encrypt_and_empty_values_stay_empty(world: World) -> None:
    robot = _robot(world)
    TeamRobot.objects.filter(pk=robot.pk).update(secret="SEC-new-value-000000")
    unsigned = TeamRobot.objects.create(
        team=world.it_team, vendor=Vendor.WECOM, name="企业微信群", webhook_url=URL
    )

    assert _raw("channels_teamrobot", "secret", robot.pk).startswith("gdenc1:")
    assert TeamRobot.objects.get(pk=robot.pk).secret == "SEC-new-value-000000"
    assert _raw("channels_teamrobot", "secret", unsigned.pk) == ""
    assert TeamRobot.objects.get(pk=unsigned.pk).secret == ""


def test_keys_rotate_without_losing_a_secret(world: World, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.GONGDAN_FIELD_KEYS = [old]
    robot = _robot(world)
    hook = WebhookSubscription.objects.create(
        name="ERP", url="https://erp.example.cn/hook", secret="whsec-123456", event_types=[]
    )
    before = _raw("channels_webhooksubscription", "secret", hook.pk)

    settings.GONGDAN_FIELD_KEYS = [new, old]  # the new key first, the old one still known
    assert TeamRobot.objects.get(pk=robot.pk).secret == SECRET
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.GONGDAN_FIELD_KEYS = [new]  # the old key retired

    assert TeamRobot.objects.get(pk=robot.pk).secret == SECRET
    assert WebhookSubscription.objects.get(pk=hook.pk).secret == "whsec-123456"
    assert _raw("channels_webhooksubscription", "secret", hook.pk) != before


def test_a_value_the_keys_cannot_read_is_a_clear_error(world: World, settings: Any) -> None:
    settings.GONGDAN_FIELD_KEYS = [Fernet.generate_key().decode()]
    robot = _robot(world)
    settings.GONGDAN_FIELD_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured, match="GONGDAN_FIELD_KEYS"):
        TeamRobot.objects.get(pk=robot.pk)

    settings.GONGDAN_FIELD_KEYS = ["not a fernet key"]
    with pytest.raises(ImproperlyConfigured, match="Fernet keys"):
        crypto.encrypt("x")


def test_the_migration_step_encrypts_plain_rows_and_its_reverse_restores_them(
    world: World,
) -> None:
    from django.apps import apps

    robot = _robot(world)
    with connection.cursor() as cursor:  # a row as it was before the column was encrypted
        cursor.execute(
            "UPDATE channels_teamrobot SET secret = %s WHERE id = %s", ["plain-old", robot.pk]
        )
    assert TeamRobot.objects.get(pk=robot.pk).secret == "plain-old"  # read as itself

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    columns = {"teamrobot": ["webhook_url", "secret"]}
    encrypt_existing("channels", columns)(apps, editor)
    assert _raw("channels_teamrobot", "secret", robot.pk).startswith("gdenc1:")
    assert TeamRobot.objects.get(pk=robot.pk).secret == "plain-old"

    decrypt_existing("channels", columns)(apps, editor)
    assert _raw("channels_teamrobot", "secret", robot.pk) == "plain-old"
    assert _raw("channels_teamrobot", "webhook_url", robot.pk) == URL


def test_every_vendor_secret_column_is_encrypted() -> None:
    columns = {m._meta.label: set(names) for m, names in encrypted_columns()}

    assert columns == {
        "channels.TeamRobot": {"webhook_url", "secret"},
        "channels.WecomApp": {"secret", "token", "encoding_aes_key", "access_token"},
        "channels.ImApp": {"app_secret", "access_token"},
        "channels.WebhookSubscription": {"secret"},
        "email_channel.Mailbox": {"imap_password"},
        "channels.SmsProvider": {"key_secret"},
    }
