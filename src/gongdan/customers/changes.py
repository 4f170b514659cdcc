"""The customer changes: one kind and one constructor per change (see ``audit.changes``).

Stored strings are the ones used before: audit actions and outbox types ``organization.created``,
``contact.created``, ``contact.updated`` (the outbox payload names the object by its id, which is
what the search index's subscribers read).
"""

from __future__ import annotations

from typing import Any, Final

from gongdan.audit.changes import Change, ChangeKind
from gongdan.customers.models import Contact, Organization


class Kind:
    ORGANIZATION_CREATED: Final = ChangeKind("organization.created")
    ORGANIZATION_UPDATED: Final = ChangeKind("organization.updated")
    CONTACT_CREATED: Final = ChangeKind("contact.created")
    CONTACT_UPDATED: Final = ChangeKind("contact.updated")


def organization_created(org: Organization, *, actor: Any) -> Change:
    return Change(
        Kind.ORGANIZATION_CREATED, org, actor, payload={"organization": org.pk}, audit_data={}
    )


def organization_updated(org: Organization, *, actor: Any, fields: list[str]) -> Change:
    return Change(
        Kind.ORGANIZATION_UPDATED,
        org,
        actor,
        payload={"organization": org.pk},
        audit_data={"fields": fields},
    )


def contact_created(contact: Contact, *, actor: Any, via: str = "") -> Change:
    """``via`` names the intake channel that made the contact (mail, web form, phone …)."""
    return Change(
        Kind.CONTACT_CREATED,
        contact,
        actor,
        payload={"contact": contact.pk},
        audit_data={"via": via} if via else {},
    )


def contact_updated(contact: Contact, *, actor: Any, fields: list[str]) -> Change:
    return Change(
        Kind.CONTACT_UPDATED,
        contact,
        actor,
        payload={"contact": contact.pk},
        audit_data={"fields": fields},
    )
