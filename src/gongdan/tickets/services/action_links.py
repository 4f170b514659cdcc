"""Signed one-click links in a resolution mail: confirm the resolution, or reopen the ticket.

A customer who got the mail may have no password (contacts created from mail have none), so the
link itself is the authorisation: a signed, expiring token naming the ticket, the recipient's
login, the action and the resolution it answers. A link from an earlier resolution stops working
once the ticket was reopened and resolved again. Opening the link only shows a page; the change
happens on its POST (mail scanners open links, they do not submit forms), through the same
``ticket_transition`` as the portal's buttons, acting as the recipient.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import NotFound
from gongdan.tickets import policies
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket

SALT = "gongdan.ticket-action"
ACTIONS: dict[str, Status] = {"confirm": Status.CLOSED, "reopen": Status.REOPENED}


@dataclass(frozen=True)
class ActionGrant:
    user: User
    ticket: Ticket
    action: str

    @property
    def to(self) -> Status:
        return ACTIONS[self.action]


def _resolution(ticket: Ticket) -> str:
    return ticket.resolved_at.isoformat() if ticket.resolved_at else ""


def action_link(*, user: User, ticket: Ticket, action: str) -> str:
    """The absolute URL that lets ``user`` do ``action`` on the ticket's current resolution."""
    if action not in ACTIONS:
        raise ValueError(action)
    token = signing.dumps(
        {"t": ticket.pk, "u": user.pk, "a": action, "r": _resolution(ticket)},
        salt=SALT,
        compress=True,
    )
    return settings.SITE_URL + reverse("portal:act", args=[token])


def action_grant(token: str) -> ActionGrant:
    """What a link allows, checked now; ``NotFound("action_link.invalid")`` when it allows
    nothing (forged, expired, for an earlier resolution, or its user can no longer see it)."""
    invalid = NotFound(
        "action_link.invalid",
        _("This link is no longer valid. Open the ticket from the service portal instead."),
    )
    max_age = settings.GONGDAN_ACTION_LINK_DAYS * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise invalid from exc
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    ticket = Ticket.objects.select_related("requester").filter(pk=data.get("t")).first()
    if (
        user is None
        or ticket is None
        or data.get("a") not in ACTIONS
        or data.get("r") != _resolution(ticket)
        or not policies.can_see(user, ticket)
    ):
        raise invalid
    return ActionGrant(user=user, ticket=ticket, action=data["a"])
