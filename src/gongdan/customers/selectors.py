"""Reading organizations and contacts: staff see all; a customer sees only their own."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongdan.accounts.models import User
from gongdan.accounts.policies import is_staff_user
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
