"""Encryption of sensitive columns (vendor secrets, access tokens, mailbox passwords).

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package) behind a
``gdenc1:`` prefix. The keys come from ``GONGDAN_FIELD_KEYS`` (comma-separated Fernet keys, the
first encrypts, every one decrypts: add a new key in front, run ``gongdan manage
rotate_field_keys``, then drop the old one). Without it one key is derived from ``SECRET_KEY``
with HKDF-SHA256, so the embedded shape needs no setting; set ``GONGDAN_FIELD_KEYS`` before
changing ``SECRET_KEY`` (with the old derived key, printed by ``rotate_field_keys --show-derived``).

A database dump or a replica therefore holds no usable secret; the web and worker processes,
which hold the key, see plain values.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "gdenc1:"


def derived_key(secret_key: str) -> str:
    """The Fernet key derived from a ``SECRET_KEY`` (used when no explicit key is set)."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"gongdan", info=b"field-encryption"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw).decode()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "GONGDAN_FIELD_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each)."
        ) from exc


def keys() -> tuple[str, ...]:
    configured = tuple(getattr(settings, "GONGDAN_FIELD_KEYS", ()) or ())
    return configured or (derived_key(settings.SECRET_KEY),)


def encrypt(text: str) -> str:
    return PREFIX + _fernet(keys()).encrypt(text.encode()).decode()


def decrypt(value: str) -> str:
    """The plain text of an encrypted value; a value without the prefix is returned as is."""
    if not value.startswith(PREFIX):
        return value
    try:
        return _fernet(keys()).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with the configured keys: was SECRET_KEY changed "
            "without keeping the old key in GONGDAN_FIELD_KEYS?"
        ) from exc


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)  # type: ignore[union-attr]
