"""Writes for organizations and contacts, and customer self-registration."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.accounts.choices import MANAGER_ROLES, STAFF_ROLES, Role
from gongdan.accounts.models import User
from gongdan.accounts.policies import has_role
from gongdan.accounts.services import user_create
from gongdan.audit.services import audit_record
from gongdan.core.errors import Conflict, Forbidden, ValidationFailed
from gongdan.core.events import emit
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
        if actor is not None:
            audit_record(actor=actor, action="organization.created", obj=org)
        emit("organization.created", organization=org.pk)
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
) -> Contact:
    """Create a contact (staff, e.g. for a phone caller, or a script).

    Only supervisors and admins may make a contact an organization admin: that grants sight of
    every ticket of the organization. Emits ``contact.created``.
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
        if actor is not None:
            audit_record(actor=actor, action="contact.created", obj=contact)
        emit("contact.created", contact=contact.pk)
    return contact


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


def contact_get_or_create_caller(
    *,
    actor: User,
    contact: Contact | None,
    name: str = "",
    mobile: str = "",
    email: str = "",
    organization: Organization | None = None,
) -> Contact:
    """The requester of a ticket taken by phone: the chosen contact, or a new one for the caller.

    Call inside the ticket's transaction so that a refused ticket leaves no orphan contact.
    """
    if contact is not None:
        return contact
    return contact_create(
        actor=actor, name=name, mobile=mobile, email=email, organization=organization
    )


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
