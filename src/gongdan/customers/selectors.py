"""Reading organizations and contacts: staff see all; a customer sees only their own."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.accounts.policies import is_staff_user
from gongdan.core.errors import NotFound
from gongdan.customers.models import Contact, Organization


def contact_for(user: User) -> Contact | None:
    """The customer contact behind a customer login (None for staff or an unlinked login)."""
    try:
        return user.contact
    except Contact.DoesNotExist:
        return None


def organization_list(*, user: User) -> QuerySet[Organization]:
    if is_staff_user(user):
        return Organization.objects.all().order_by("name", "id")
    contact = contact_for(user)
    if contact is None or contact.organization_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(pk=contact.organization_id)


def contact_list(*, user: User) -> QuerySet[Contact]:
    qs = Contact.objects.select_related("organization").order_by("name", "id")
    if is_staff_user(user):
        return qs
    contact = contact_for(user)
    if contact is None:
        return Contact.objects.none()
    if contact.is_org_admin and contact.organization_id:
        return qs.filter(Q(organization_id=contact.organization_id) | Q(pk=contact.pk))
    return qs.filter(pk=contact.pk)


def contact_search(*, user: User, q: str, limit: int = 10) -> list[Contact]:
    """Contacts visible to ``user`` whose name, mobile number or email contains ``q``.

    Used to pick a requester while taking a call; fewer than two characters match nothing.
    """
    q = q.strip()[:100]
    if len(q) < 2:
        return []
    text = Q(name__icontains=q) | Q(mobile__contains=q) | Q(email__icontains=q)
    return list(contact_list(user=user).filter(text)[:limit])


def organization_get(*, user: User, pk: int) -> Organization:
    """One organization ``user`` may see (:func:`organization_list`); else 404."""
    try:
        return organization_list(user=user).get(pk=pk)
    except Organization.DoesNotExist:
        raise NotFound("organization.not_found", _("No such organization.")) from None


def contact_get(*, user: User, pk: int) -> Contact:
    """One contact ``user`` may see (:func:`contact_list`); else 404."""
    try:
        return contact_list(user=user).get(pk=pk)
    except Contact.DoesNotExist:
        raise NotFound("contact.not_found", _("No such contact.")) from None


def organization_search(*, user: User, q: str = "") -> QuerySet[Organization]:
    """Organizations for the workspace's customers page (staff only), with contact counts."""
    if not is_staff_user(user):
        return Organization.objects.none()
    qs = organization_list(user=user).annotate(contact_count=Count("contacts"))
    text = q.strip()[:100]
    if text:
        qs = qs.filter(
            Q(name__icontains=text) | Q(code__icontains=text) | Q(email_domains__icontains=text)
        )
    return qs


def contact_directory(
    *, user: User, q: str = "", organization: int | None = None
) -> QuerySet[Contact]:
    """Contacts for the workspace's customers page (staff only), searched and filtered."""
    if not is_staff_user(user):
        return Contact.objects.none()
    qs = contact_list(user=user)
    text = q.strip()[:100]
    if text:
        qs = qs.filter(
            Q(name__icontains=text) | Q(email__icontains=text) | Q(mobile__contains=text)
        )
    if organization is not None:
        qs = qs.filter(organization_id=organization)
    return qs
