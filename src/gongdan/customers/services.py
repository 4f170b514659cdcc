"""Writes for organizations and contacts, and customer self-registration."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from gongdan.accounts.choices import MANAGER_ROLES, STAFF_ROLES, Role
from gongdan.accounts.models import User
from gongdan.accounts.policies import has_role
from gongdan.accounts.services import user_create
from gongdan.audit.changes import record
from gongdan.audit.services import audit_record
from gongdan.core.errors import Conflict, Forbidden, ValidationFailed
from gongdan.customers import changes
from gongdan.customers.models import Contact, Organization
from gongdan.customers.ownership import address_owner, address_release, contact_for_intake_address
from gongdan.customers.ownership import normalize_mobile as normalize_mobile  # callers read it here


def require_staff(actor: User | None) -> None:
    """403 unless ``actor`` is service staff (None: the system itself)."""
    if actor is not None and not has_role(actor, *STAFF_ROLES):
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))


def _clean(obj: Organization | Contact, code: str) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
        raise ValidationFailed(code, next(iter(fields.values())), fields=fields) from exc


def organization_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    email_domains: str = "",
    phone: str = "",
    address: str = "",
    notes: str = "",
) -> Organization:
    """Create a customer organization (supervisors and admins). Emits ``organization.created``."""
    if actor is not None and not has_role(actor, *MANAGER_ROLES):
        raise Forbidden("permission.denied", _("Only supervisors and administrators may do this."))
    org = Organization(
        code=code, name=name, email_domains=email_domains, phone=phone, address=address, notes=notes
    )
    _clean(org, "organization.invalid")
    with transaction.atomic():
        org.save()
        record(changes.organization_created(org, actor=actor))
    return org


def contact_create(
    *,
    actor: User | None,
    name: str,
    email: str = "",
    mobile: str = "",
    organization: Organization | None = None,
    is_org_admin: bool = False,
    user: User | None = None,
    via: str = "",
) -> Contact:
    """Create a contact (staff, e.g. for a phone caller, or a script; ``actor`` None for an
    intake or a sign-up, ``via`` naming it in the audit event).

    Only supervisors and admins may make a contact an organization admin: that grants sight of
    every ticket of the organization. Emits ``contact.created`` (the search index reads it).
    """
    require_staff(actor)
    if is_org_admin and actor is not None and not has_role(actor, *MANAGER_ROLES):
        raise Forbidden(
            "permission.denied",
            _("Only supervisors and administrators may appoint organization admins."),
        )
    contact = Contact(
        name=name.strip(),
        email=email.strip().lower(),
        mobile=mobile.strip(),
        organization=organization,
        is_org_admin=is_org_admin,
        user=user,
    )
    _clean(contact, "contact.invalid")
    with transaction.atomic():
        contact.save()
        record(changes.contact_created(contact, actor=actor, via=via))
    return contact


ContactMatch = Callable[..., "Contact | None"]


def contact_match(*, email: str = "", mobile: str = "") -> Contact | None:
    """The lookup rule of every intake: the contact that may receive what arrives from this
    email address, else from this mobile number (``+86``, spaces and dashes ignored), else None.

    This is the one place that decides which existing contact an address from outside (a mail's
    sender or Cc, a web form, a caller, later an import) belongs to. The rule itself is
    ``ownership.contact_for_intake_address``: a contact whose portal login never proved the
    address is never chosen, so a stranger who signed up with it captures nothing.
    """
    found = contact_for_intake_address(email) if email else None
    if found is None and mobile:
        found = contact_for_intake_address(mobile)
    return found


def _lock_address(email: str, mobile: str) -> None:
    """Serialise finders of one address until commit, so two messages from a new address
    arriving at once make one contact. PostgreSQL: a transaction-scoped advisory lock on the
    address; SQLite: the IMMEDIATE transaction already holds the database's write lock."""
    if connection.vendor != "postgresql":
        return
    for value in (email, mobile):
        if value:
            digest = hashlib.sha256(f"contact:{value}".encode()).digest()
            key = int.from_bytes(digest[:8], "big", signed=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def contact_find_or_create(
    *,
    actor: User | None,
    via: str,
    name: str = "",
    email: str = "",
    mobile: str = "",
    organization_for: Callable[[], Organization | None] | None = None,
    match: ContactMatch | None = None,
) -> tuple[Contact, bool]:
    """The contact an intake acts for: found by ``match`` (default :func:`contact_match`), or
    made through :func:`contact_create` — with its audit event and ``contact.created`` (so it
    gets a search document). Returns (contact, created).

    Every channel calls this: mail (sender and Cc), web form, phone, later imports. ``actor`` is
    the staff member taking the call, or None for an outside intake; ``via`` names the channel.
    ``organization_for`` is asked only when a contact is made (e.g. by the sender's domain).
    Race-safe: takes a lock per address until the caller's transaction ends (call inside it).
    """
    email = email.strip().lower()
    mobile = normalize_mobile(mobile) if mobile.strip() else ""
    if not email and not mobile:
        message = _("Enter an email address or a mobile number.")
        raise ValidationFailed("contact.invalid", message, fields={"email": message})
    lookup = match or contact_match
    with transaction.atomic():
        _lock_address(email, mobile)
        found = lookup(email=email, mobile=mobile)
        if found is not None:
            return found, False
        fallback = email.split("@", 1)[0] if email else mobile
        contact = contact_create(
            actor=actor,
            name=(name.strip() or fallback)[:100],
            email=email,
            mobile=mobile,
            organization=organization_for() if organization_for else None,
            via=via,
        )
    return contact, True


def customer_register(
    *,
    name: str,
    email: str,
    password_hash: str,
    language: str = "",
) -> User:
    """Open a portal account for an email address its holder has just proven (the sign-up link,
    ``customers.registration.registration_complete``); ``password_hash`` is the hash of the
    password chosen at sign-up.

    The new login gets a contact of its own. It is never linked to an existing contact with the
    same address (one made by a phone call or email intake), which may belong to an organization
    and carry its admin rights: staff link such contacts. A login that signed itself up before
    sign-ups were confirmed and still holds the address gives it up (``ownership``). Raises
    ``Conflict`` (``registration.address_taken``) when a login owns the address already: the
    first to confirm keeps it.
    """
    email = email.strip().lower()
    if "@" not in email:
        message = _("Enter a valid email address.")
        raise ValidationFailed("user.invalid", message, fields={"email": message})
    with transaction.atomic():
        address_release(email)
        if User.objects.filter(email__iexact=email).exists():
            raise Conflict(
                "registration.address_taken",
                _(
                    "This email address already has an account. Please sign in, or set a new "
                    "password by mail."
                ),
            )
        username = email if not User.objects.filter(username=email).exists() else f"portal:{email}"
        user = user_create(
            actor=None,
            username=username[:150],
            role=Role.CUSTOMER,
            email=email,
            display_name=name,
            language=language,
        )
        user.password = password_hash
        user.save(update_fields=["password"])
        contact_create(actor=None, name=name or email, email=email, user=user)
        audit_record(actor=user, action="user.registered", obj=user)
    return user


def contact_by_mobile(number: str) -> Contact | None:
    """The oldest contact whose mobile number is ``number`` (with or without +86) and who may
    receive what arrives from it (``ownership.contact_for_intake_address``), or None."""
    if "@" in number:
        return None
    return contact_for_intake_address(number)


def contact_login(*, contact: Contact, username: str) -> User:
    """The login a contact acts through when writing in by mail, web form or similar.

    The contact's own login if it has one; otherwise a customer login without a usable password
    (``username``, e.g. ``mail:<address>``) is made or reused and linked, so that tickets from
    these channels follow the same visibility rules as the portal's. A login that already has the
    contact's email address is used instead (and linked if it is a customer without a contact)
    when it owns the address (``ownership.address_owner``); a login that never proved the address
    loses it to the new one. Staff logins are returned unlinked. Call inside the caller's
    transaction.
    """
    if contact.user_id and contact.user is not None:
        return contact.user
    if contact.email:
        existing = address_owner(contact.email)
        if existing is None:
            # A login that never proved the address gives it up to its real sender.
            address_release(contact.email)
        else:
            # Staff are never linked to a customer contact; the caller decides what they may do.
            if (
                existing.role == Role.CUSTOMER
                and not Contact.objects.filter(user=existing).exists()
            ):
                contact.user = existing
                contact.save(update_fields=["user"])
            return existing
    user = User.objects.filter(username=username[:150]).first()
    if user is None:
        user = User.objects.create(
            username=username[:150],
            role=Role.CUSTOMER,
            email=contact.email,
            display_name=contact.name,
            password=make_password(None),
        )
    contact.user = user
    contact.save(update_fields=["user"])
    return user


def require_manager(actor: User) -> None:
    """403 unless ``actor`` is a supervisor or an administrator."""
    if not has_role(actor, *MANAGER_ROLES):
        raise Forbidden("permission.denied", _("Only supervisors and administrators may do this."))


ORGANIZATION_FIELDS = ("name", "email_domains", "phone", "address", "notes", "tier", "is_active")
CONTACT_FIELDS = ("name", "email", "mobile", "organization", "is_org_admin")


def organization_update(
    *, actor: User, organization: Organization, **values: object
) -> Organization:
    """Change an organization's fields (supervisors and admins; None: unchanged; the code stays).

    Validated before anything is written (``organization.invalid``); audited
    ``organization.updated`` with the fields; the search index re-reads it.
    """
    require_manager(actor)
    unknown = set(values) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown organization fields: {sorted(unknown)}")
    changed = [k for k, v in values.items() if v is not None and getattr(organization, k) != v]
    if not changed:
        return organization
    for key in changed:
        value = values[key]
        setattr(organization, key, value.strip() if isinstance(value, str) else value)
    try:
        _clean(organization, "organization.invalid")
    except ValidationFailed:
        organization.refresh_from_db()
        raise
    with transaction.atomic():
        organization.save(update_fields=changed)
        record(changes.organization_updated(organization, actor=actor, fields=sorted(changed)))
    return organization


def contact_update(*, actor: User, contact: Contact, **values: object) -> Contact:
    """Change a contact's name, addresses, organization or org-admin flag (supervisors and
    admins; None: unchanged; ``organization`` may be set to None with ``clear_organization``).

    An address already used by another contact is allowed (people share addresses); one used by
    another *login* is refused (``contact.email_taken``): the login would own it. Audited
    ``contact.updated``; the search index re-reads it.
    """
    require_manager(actor)
    clear_org = bool(values.pop("clear_organization", False))
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown contact fields: {sorted(unknown)}")
    if isinstance(values.get("email"), str):
        values["email"] = str(values["email"]).strip().lower()
    changed = [k for k, v in values.items() if v is not None and getattr(contact, k) != v]
    if clear_org and contact.organization_id is not None:
        changed.append("organization")
        values["organization"] = None
    if not changed:
        return contact
    email = values.get("email")
    if "email" in changed and email:
        taken = User.objects.filter(email__iexact=email)
        if contact.user_id:
            taken = taken.exclude(pk=contact.user_id)
        if taken.exists():
            message = _("A user with this email address already exists.")
            raise ValidationFailed("contact.email_taken", message, fields={"email": message})
    for key in changed:
        value = values[key]
        setattr(contact, key, value.strip() if isinstance(value, str) else value)
    try:
        _clean(contact, "contact.invalid")
    except ValidationFailed:
        contact.refresh_from_db()
        raise
    with transaction.atomic():
        contact.save(update_fields=changed)
        record(changes.contact_updated(contact, actor=actor, fields=sorted(changed)))
    return contact
