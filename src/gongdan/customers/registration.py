"""Portal sign-up confirmed by mail: no account exists until the address is proven.

Signing up mails a link to the address (``channels.email.registration``); the account is opened
only when someone follows the link *and* types the password chosen at sign-up. So the holder of
the mailbox proves the address, and a stranger who signed up with someone else's address can do
nothing with it: they never see the link, and the person who does cannot finish without the
stranger's password. Nothing is stored for a pending sign-up: the link is a signed, expiring
token (``django.core.signing``) carrying the name, the address, the language and the password's
hash, encrypted (``core.crypto``) so that the link shows no hash. Several pending sign-ups for one
address may exist; the first to be confirmed opens the account and the others' links then fail
with ``registration.address_taken``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core import crypto
from gongdan.core.errors import Conflict, ValidationFailed
from gongdan.customers.services import customer_register

SALT = "gongdan.customers.registration"
MAX_AGE_DEFAULT = 2 * 24 * 3600  # seconds a sign-up link works


def link_max_age() -> int:
    return int(getattr(settings, "GONGDAN_REGISTER_LINK_MAX_AGE", MAX_AGE_DEFAULT))


@dataclass(frozen=True)
class PendingSignUp:
    """What a sign-up link carries."""

    name: str
    email: str
    language: str
    secret: str  # the encrypted password hash


def registration_secret(password: str) -> str:
    """The chosen password as the link keeps it: hashed, then encrypted."""
    return crypto.encrypt(make_password(password))


def registration_token(*, pending: PendingSignUp) -> str:
    """The signed token of a sign-up link (made by the mail job, so no link sits in a queue)."""
    payload = {"n": pending.name, "e": pending.email, "l": pending.language, "s": pending.secret}
    return signing.dumps(payload, salt=SALT, compress=True)


def registration_read(token: str) -> PendingSignUp:
    """The sign-up a link stands for. Raises ``ValidationFailed`` (``registration.link_invalid``)
    for a link that was changed, made with another secret key, or is too old."""
    try:
        data: dict[str, Any] = signing.loads(token, salt=SALT, max_age=link_max_age())
        return PendingSignUp(
            name=str(data["n"]),
            email=str(data["e"]),
            language=str(data["l"]),
            secret=str(data["s"]),
        )
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise ValidationFailed(
            "registration.link_invalid",
            _("This confirmation link is not valid or has expired. Please sign up again."),
        ) from exc


def registration_complete(*, token: str, password: str) -> User:
    """Open the account a sign-up link stands for, when ``password`` is the one chosen at sign-up.

    Raises ``ValidationFailed`` (``registration.link_invalid``, ``registration.wrong_password``)
    or ``Conflict`` (``registration.address_taken``: the address has an owner, e.g. another
    sign-up confirmed first). Emits what ``customer_register`` emits.
    """
    pending = registration_read(token)
    try:
        password_hash = crypto.decrypt(pending.secret)
    except ImproperlyConfigured as exc:  # a key rotated away since the link was sent
        raise ValidationFailed(
            "registration.link_invalid",
            _("This confirmation link is not valid or has expired. Please sign up again."),
        ) from exc
    if not check_password(password, password_hash):
        message = _("This is not the password you chose when you signed up.")
        raise ValidationFailed("registration.wrong_password", message, fields={"password": message})
    try:
        return customer_register(
            name=pending.name,
            email=pending.email,
            password_hash=password_hash,
            language=pending.language,
        )
    except IntegrityError as exc:  # another confirmation of the same address won the race
        raise Conflict(
            "registration.address_taken",
            _(
                "This email address already has an account. Please sign in, or set a new "
                "password by mail."
            ),
        ) from exc
