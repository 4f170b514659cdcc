"""A web form submission → contact (found or made) → their login → a ticket, all or nothing.

Tickets from a web form use channel ``portal`` (customer self-service without the workspace:
``web`` means "entered in the workspace"), so no new channel value or migration is needed; the
``webform.submitted`` audit event names the form. Addresses are not verified (as with mail): the
submitter is matched to an existing contact by email, else by mobile number, and can follow the
ticket through the portal's lookup, which sends a code to that address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.accounts.models import mobile_validator
from gongdan.audit.services import audit_record
from gongdan.channels.models import WebForm
from gongdan.core.errors import ValidationFailed
from gongdan.customers.models import Contact
from gongdan.customers.services import contact_find_or_create, contact_login, normalize_mobile
from gongdan.tickets import policies
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Ticket
from gongdan.tickets.services import ticket_create

NAME_MAX = 100
TITLE_MAX = 200
DESCRIPTION_MAX = 5000


@dataclass(frozen=True)
class Submission:
    """What a visitor typed, as strings (already decoded from JSON or form data)."""

    name: str = ""
    email: str = ""
    mobile: str = ""
    title: str = ""
    description: str = ""


def _too_long(limit: int) -> str:
    return _("Ensure this value has at most %(max)d characters.") % {"max": limit}


def _address_errors(email: str, mobile: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    if not email and not mobile:
        fields["email"] = _("Enter an email address or a mobile number.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fields["email"] = _("Enter a valid email address.")
    if mobile:
        try:
            mobile_validator(mobile)
        except ValidationError:
            fields["mobile"] = _("Enter a valid mobile number.")
    return fields


def _text_errors(data: Submission) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, limit in (("name", NAME_MAX), ("title", TITLE_MAX), ("description", DESCRIPTION_MAX)):
        value = getattr(data, name)
        if len(value) > limit:
            fields[name] = _too_long(limit)
        elif "\x00" in value:
            fields[name] = _("The text contains characters that are not allowed.")
    if not data.title:
        fields["title"] = _("This field is required.")
    return fields


def submission_clean(data: Submission) -> Submission:
    """Check every field at once; raises ``ValidationFailed("webform.invalid")`` naming them all."""
    email = data.email.strip().lower()
    mobile = normalize_mobile(data.mobile) if data.mobile.strip() else ""
    cleaned = Submission(
        name=data.name.strip(),
        email=email,
        mobile=mobile,
        title=data.title.strip(),
        description=data.description.strip(),
    )
    fields = {**_address_errors(email, mobile), **_text_errors(cleaned)}
    if fields:
        raise ValidationFailed("webform.invalid", _("Please check the form."), fields=fields)
    return cleaned


def _contact(data: Submission) -> Contact:
    """The submitter's contact: by email, else mobile number (the intake rule: never one whose
    login did not prove the address), else a new one (``contact_find_or_create``)."""
    contact, _created = contact_find_or_create(
        actor=None, via="webform", name=data.name, email=data.email, mobile=data.mobile
    )
    return contact


def webform_submit(*, form: WebForm, data: Submission) -> Ticket:
    """Create the ticket for a submission of ``form`` (active). Raises ``ValidationFailed``.

    The contact, its login and the ticket are written in one transaction: a refused ticket
    leaves nothing behind. A staff member's address is refused: a public form never acts as staff.
    """
    data = submission_clean(data)
    with transaction.atomic():
        contact = _contact(data)
        user = contact_login(contact=contact, username=f"web:{data.email or data.mobile}")
        if policies.is_staff_user(user):
            message = _("This address belongs to a service desk account; use the workspace.")
            raise ValidationFailed(
                "webform.staff_address",
                message,
                fields={"email" if data.email else "mobile": message},
            )
        ticket = ticket_create(
            actor=user,
            title=data.title,
            description=data.description,
            ticket_type=form.ticket_type,
            channel=Channel.WEBFORM,
            _intake_team=form.team,
        )
        audit_record(actor=user, action="webform.submitted", obj=ticket, data={"form": form.key})
    return ticket
