"""Who owns an address: the one rule every channel follows to file what arrives from it.

A login owns an email address or a mobile number only once someone has proven it, or when nobody
can sign in to the login without proving it:
- staff logins (made by administrators or scripts);
- customer logins made by staff, by a script or by a confirmed sign-up (``address_proven``);
- channel logins without a usable password (``mail:…``, ``web:…``): the only way in is a password
  link mailed to the address.
A customer login that signed itself up before sign-ups were confirmed by mail, and still has a
password nobody proved, owns neither its email address nor its mobile number
(``address_proven`` is off). Its contact never receives tickets from mail intake, the web form or
any other channel; the address is released from it as soon as mail from the address arrives, and
whoever then proves the address by a mailed link owns it. A proven owner is never displaced.

Mail intake (``channels.email.intake``) and the web form (``channels.webform.services``) find
their contact with :func:`contact_for_intake_address`; ``contact_login`` uses
:func:`address_owner`. A contact find-or-create service for every channel should call these too.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.audit.services import audit_record
from gongdan.customers.models import Contact

# A login whose address nobody proved: a self-registered customer with a usable password.
_UNPROVEN = Q(role=Role.CUSTOMER, address_proven=False) & ~Q(password__startswith="!")


def unproven_logins() -> QuerySet[User]:
    """Logins that own no address (see the module docstring)."""
    return User.objects.filter(_UNPROVEN)


def owns_address(user: User) -> bool:
    """Whether ``user``'s email address and mobile number are really theirs (see above)."""
    return not (
        user.role == Role.CUSTOMER and not user.address_proven and user.has_usable_password()
    )


def intake_contacts() -> QuerySet[Contact]:
    """Contacts that may receive what arrives from their address: those without a login, and
    those whose login owns its address."""
    unproven = Q(
        user__role=Role.CUSTOMER,
        user__address_proven=False,
        user__password__isnull=False,
    ) & ~Q(user__password__startswith="!")
    return Contact.objects.exclude(unproven)


def address_owner(address: str) -> User | None:
    """The login that owns the email ``address`` (any letter case), or None."""
    address = address.strip()
    if "@" not in address:
        return None
    user = User.objects.filter(email__iexact=address).order_by("pk").first()
    return user if user is not None and owns_address(user) else None


def normalize_mobile(number: str) -> str:
    """A mainland number as stored for matching: no spaces, dashes, brackets or +86/0086 prefix."""
    digits = re.sub(r"[\s\-().]", "", number or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    else:
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
    return digits


def mobile_forms(number: str) -> list[str]:
    """The stored spellings of a mainland mobile number (with or without +86/0086)."""
    digits = normalize_mobile(number)
    return [digits, f"+86{digits}", f"86{digits}", f"0086{digits}"] if digits else []


def contact_for_intake_address(address: str) -> Contact | None:
    """The contact that tickets and replies arriving from ``address`` belong to, or None (then
    the caller creates one).

    ``address`` is an email address (any letter case) or a mobile number. The owner's contact
    comes first, then the oldest contact that may receive intake; a contact whose login never
    proved the address is never chosen, so a stranger who signed up with someone else's address
    does not capture that person's tickets.
    """
    address = address.strip()
    if not address:
        return None
    contacts = intake_contacts().select_related("user", "organization").order_by("pk")
    if "@" in address:
        owner = address_owner(address)
        if owner is not None:
            own = contacts.filter(user=owner).first()
            if own is not None:
                return own
        return contacts.filter(email__iexact=address).first()
    forms = mobile_forms(address)
    return contacts.filter(mobile__in=forms).first() if forms else None


def address_release(address: str) -> int:
    """Take the email ``address`` from a login that never proved it (mail from the address has
    arrived, so a login made for the real sender must be able to hold it). The login keeps
    signing in by its login name. Returns how many logins lost the address (0 or 1)."""
    if "@" not in address:
        return 0
    released = 0
    for user in unproven_logins().filter(email__iexact=address.strip()):
        User.objects.filter(pk=user.pk).update(email="")
        audit_record(actor=None, action="user.address_released", obj=user)
        released += 1
    return released
