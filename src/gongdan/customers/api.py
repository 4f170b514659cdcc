"""/api/v1/organizations and /contacts: thin wrappers around the customers services."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.core.api_support import ERRORS, PageQuery, paginate, pick
from gongdan.core.pagination import Page
from gongdan.customers import selectors, services
from gongdan.customers.models import Contact, Organization
from gongdan.customers.schemas import (
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    OrganizationDetailOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPage,
    OrganizationPatch,
)

router = Router(tags=["customers"])


@router.get(
    "/organizations", response={200: OrganizationPage, **ERRORS}, operation_id="organizations_list"
)
def organizations_list(request: HttpRequest, page: Query[PageQuery]) -> Page[Organization]:
    """Customer organizations by name: all for staff, their own for a customer."""
    qs = selectors.organization_list(user=api_user(request))
    return paginate(qs, ordering=["name", "id"], size=page.size, cursor=page.cursor)


@router.post(
    "/organizations", response={201: OrganizationOut, **ERRORS}, operation_id="organizations_create"
)
def organizations_create(request: HttpRequest, payload: OrganizationIn) -> Status[Organization]:
    """Create a customer organization (supervisors and administrators)."""
    org = services.organization_create(actor=api_user(request), **payload.model_dump())
    return Status(201, org)


@router.get("/contacts", response={200: ContactPage, **ERRORS}, operation_id="contacts_list")
def contacts_list(request: HttpRequest, page: Query[PageQuery]) -> Page[Contact]:
    """Contacts by name: all for staff; a customer sees themselves (org admins: their org)."""
    qs = selectors.contact_list(user=api_user(request))
    return paginate(qs, ordering=["name", "id"], size=page.size, cursor=page.cursor)


@router.post("/contacts", response={201: ContactOut, **ERRORS}, operation_id="contacts_create")
def contacts_create(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    """Create a contact, e.g. for a caller on the phone (staff only)."""
    actor = api_user(request)
    services.require_staff(actor)  # before any id is looked up
    organization = pick(
        selectors.organization_list(user=actor), payload.organization, field="organization"
    )
    contact = services.contact_create(
        actor=actor,
        name=payload.name,
        email=payload.email,
        mobile=payload.mobile,
        organization=organization,
        is_org_admin=payload.is_org_admin,
    )
    return Status(201, contact)


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationDetailOut, **ERRORS},
    operation_id="organizations_get",
)
def organizations_get(request: HttpRequest, organization_id: int) -> Organization:
    """One organization: any for staff; a customer's own organization."""
    return selectors.organization_get(user=api_user(request), pk=organization_id)


@router.patch(
    "/organizations/{organization_id}",
    response={200: OrganizationDetailOut, **ERRORS},
    operation_id="organizations_update",
)
def organizations_update(
    request: HttpRequest, organization_id: int, payload: OrganizationPatch
) -> Organization:
    """Change an organization (supervisors and administrators; the code stays)."""
    actor = api_user(request)
    services.require_manager(actor)  # before any id is looked up
    org = selectors.organization_get(user=actor, pk=organization_id)
    return services.organization_update(
        actor=actor, organization=org, **payload.model_dump(exclude_unset=True)
    )


@router.get(
    "/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, operation_id="contacts_get"
)
def contacts_get(request: HttpRequest, contact_id: int) -> Contact:
    """One contact: any for staff; a customer sees themselves (org admins: their org's)."""
    return selectors.contact_get(user=api_user(request), pk=contact_id)


@router.patch(
    "/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, operation_id="contacts_update"
)
def contacts_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    """Change a contact (supervisors and administrators). An email address that belongs to
    another login is a 422 (``contact.email_taken``)."""
    actor = api_user(request)
    services.require_manager(actor)  # before any id is looked up
    data = payload.model_dump(exclude_unset=True)
    org_id = data.pop("organization", None)
    if org_id:
        data["organization"] = pick(
            selectors.organization_list(user=actor), org_id, field="organization"
        )
    contact = selectors.contact_get(user=actor, pk=contact_id)
    return services.contact_update(
        actor=actor, contact=contact, clear_organization=org_id == 0, **data
    )
