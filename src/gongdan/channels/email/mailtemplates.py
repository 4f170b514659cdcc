"""Which mails exist, what their templates may say, and what they say when nobody edited them.

A template key is a notification kind (``notifications.choices.Kind``), plus ``ticket.resolved``
(the status change to "resolved", which asks the customer to confirm or reopen) and
``portal.lookup_code`` (the one-time code for following a ticket without an account). Each key
has one template per language (zh-Hans, en): a ``MailTemplate`` row when an admin edited it,
else the shipped default below, translated like any other text.

Templates only see the flat dictionary of strings built here (``ticket_values``,
``sample_values``), each key naming exactly which of them it may use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongdan.accounts.choices import Language
from gongdan.accounts.models import User
from gongdan.channels.email import placeholders
from gongdan.channels.email.models import MailTemplate
from gongdan.notifications.choices import ADMIN_KINDS, CUSTOMER_KINDS, IN_APP_ONLY_KINDS, Kind
from gongdan.notifications.models import Notification
from gongdan.notifications.presenters import notification_text, notification_url
from gongdan.sla.choices import SlaTarget
from gongdan.tickets.choices import Priority, Status
from gongdan.tickets.models import Ticket
from gongdan.tickets.services.action_links import action_link

RESOLVED = "ticket.resolved"
LOOKUP_CODE = "portal.lookup_code"
PASSWORD = "account.password"
REGISTER = "account.register"
EXISTS = "account.exists"

BASE = ("message", "recipient.name", "site.url", "link")
TICKET = ("ticket.number", "ticket.title", "ticket.status", "ticket.priority", "actor")
EXTRA: dict[str, tuple[str, ...]] = {
    Kind.TICKET_RECEIVED: ("lookup.link",),
    Kind.STAFF_REPLIED: ("reply.body",),
    RESOLVED: ("confirm.link", "reopen.link"),
    Kind.SLA_WARNING: ("sla.target", "sla.percent"),
    Kind.SLA_REMINDER: ("sla.target", "sla.due"),
    Kind.SLA_ESCALATED: ("sla.target", "sla.level"),
}
TICKETLESS = {
    Kind.CALENDAR_NEXT_YEAR,
    Kind.WEBHOOK_DISABLED,
    Kind.ARTICLE_REVIEW,
    Kind.ARTICLE_DECIDED,
}


class Audience:
    CUSTOMER = gettext_lazy("Customers")
    STAFF = gettext_lazy("Agents")
    ADMIN = gettext_lazy("Administrators")


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    audience: str
    placeholders: tuple[str, ...]
    about_ticket: bool


def specs() -> list[Spec]:
    """Every template key, customers' mail first (labels in the active language)."""
    out = []
    for kind in Kind:
        if kind in IN_APP_ONLY_KINDS:
            continue  # no mail to write a template for
        audience = (
            Audience.CUSTOMER
            if kind in CUSTOMER_KINDS
            else Audience.ADMIN
            if kind in ADMIN_KINDS
            else Audience.STAFF
        )
        out.append(_spec(kind.value, str(kind.label), str(audience)))
        if kind == Kind.STATUS_CHANGED:
            label = _("My ticket was resolved: confirm or reopen")
            out.append(_spec(RESOLVED, label, str(Audience.CUSTOMER)))
    out.append(
        Spec(
            LOOKUP_CODE,
            _("A one-time code to follow a ticket without an account"),
            str(Audience.CUSTOMER),
            ("ticket.number", "code", "lookup.link", "site.url"),
            True,
        )
    )
    out.append(
        Spec(
            PASSWORD,
            _("A link to set or reset my password"),
            str(Audience.CUSTOMER),
            ("recipient.name", "reset.link", "site.url"),
            False,
        )
    )
    out.append(
        Spec(
            REGISTER,
            _("A link to confirm my address and open my account"),
            str(Audience.CUSTOMER),
            ("recipient.name", "confirm.link", "site.url"),
            False,
        )
    )
    out.append(
        Spec(
            EXISTS,
            _("Someone signed up with my address, which already has an account"),
            str(Audience.CUSTOMER),
            ("recipient.name", "login.link", "reset.link", "site.url"),
            False,
        )
    )
    order = {str(Audience.CUSTOMER): 0, str(Audience.STAFF): 1, str(Audience.ADMIN): 2}
    return sorted(out, key=lambda s: order[s.audience])


def _spec(key: str, label: str, audience: str) -> Spec:
    about_ticket = key not in TICKETLESS
    names = BASE + (TICKET if about_ticket else ()) + EXTRA.get(key, ())
    return Spec(key, label, audience, names, about_ticket)


def spec_for(key: str) -> Spec | None:
    return next((s for s in specs() if s.key == key), None)


def language_of(value: str | None) -> str:
    value = (value or "").lower()
    return value if value in Language.values else str(settings.LANGUAGE_CODE).lower()


# --- the shipped defaults ---------------------------------------------------------------------


def _footer() -> str:
    return _("gongdan service desk — please keep the ticket number in the subject when you reply.")


def default_template(key: str, language: str) -> tuple[str, str]:
    """(subject, plain-text body) shipped for ``key`` in ``language``."""
    with translation.override(language):
        if key == LOOKUP_CODE:
            subject = _("Your code for ticket {ticket.number}: {code}")
            body = "\n\n".join(
                [
                    _("Your one-time code to follow ticket {ticket.number} is: {code}"),
                    _("It works once, for 15 minutes. Enter it at {lookup.link}"),
                    _("If you did not ask for it, you can ignore this mail."),
                ]
            )
            return subject, body + "\n"
        if key == PASSWORD:
            subject = _("Set your password for the service desk")
            body = "\n\n".join(
                [
                    _("Hello {recipient.name},"),
                    _(
                        "Open this link to set a new password for your service desk account "
                        "(it works once, for 3 days):"
                    )
                    + "\n{reset.link}",
                    _("If you did not ask for it, you can ignore this mail."),
                ]
            )
            return subject, body + "\n"
        if key == REGISTER:
            subject = _("Confirm your address for the service desk")
            body = "\n\n".join(
                [
                    _("Hello {recipient.name},"),
                    _(
                        "Someone, probably you, signed up for the service desk with this address. "
                        "Open this link and enter the password you chose to open your account "
                        "(it works for 2 days):"
                    )
                    + "\n{confirm.link}",
                    _(
                        "If you did not sign up, ignore this mail: without the link nobody can "
                        "open an account for this address."
                    ),
                ]
            )
            return subject, body + "\n"
        if key == EXISTS:
            subject = _("Your address already has a service desk account")
            body = "\n\n".join(
                [
                    _("Hello {recipient.name},"),
                    _(
                        "Someone, probably you, tried to sign up for the service desk with this "
                        "address. It already has an account, so none was opened. Sign in here:"
                    )
                    + "\n{login.link}",
                    _(
                        "Forgot the password? Set a new one with this link (it works once, for "
                        "3 days):"
                    )
                    + "\n{reset.link}",
                    _("If it was not you, ignore this mail: your account is unchanged."),
                ]
            )
            return subject, body + "\n"
        spec = spec_for(key)
        about_ticket = spec.about_ticket if spec is not None else True
        subject = "[{ticket.number}] {ticket.title}" if about_ticket else "{message}"
        parts = ["{message}"]
        if key == Kind.STAFF_REPLIED:
            parts.append("{reply.body}")
        if key == Kind.TICKET_RECEIVED:
            parts.append(
                _(
                    "Your request was received as ticket {ticket.number}. "
                    "Reply to this mail to add to it."
                )
                + "\n"
                + _("Follow its progress (enter the ticket number and your address): {lookup.link}")
            )
        elif key == RESOLVED:
            parts.append(
                _("Is the problem solved? Confirm it (this closes the ticket):")
                + "\n{confirm.link}\n"
                + _("Not solved? Reopen the ticket:")
                + "\n{reopen.link}"
            )
        else:
            parts.append("{link}")
        return subject, "\n\n".join(parts) + "\n\n-- \n" + _footer() + "\n"


# --- values ---------------------------------------------------------------------------------


def _choice_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _target_label(value: str) -> str:
    return _choice_label(SlaTarget, value) if value else ""


def ticket_values(
    *, user: Any, kind: str, ticket: Any, data: dict[str, Any], reply: str = ""
) -> dict[str, str]:
    """The values a mail about ``kind`` may show ``user`` (call in the user's language)."""
    site = str(settings.SITE_URL)
    note = Notification(recipient=user, kind=kind, data=data, actor_label=data.get("actor", ""))
    url = notification_url(note, user)
    values = {
        "message": notification_text(note),
        "recipient.name": user.display_name or user.username,
        "site.url": site,
        "link": f"{site}{url}" if url else site,
        "actor": str(data.get("actor") or ""),
        "reply.body": reply,
        "lookup.link": f"{site}/portal/lookup/",
        "sla.target": _target_label(str(data.get("target") or "")),
        "sla.percent": str(data.get("percent") or ""),
        "sla.due": str(data.get("due") or ""),
        "sla.level": str(data.get("level") or ""),
    }
    if ticket is not None:
        portal = f"{site}/portal/tickets/{ticket.number}/"
        values.update(
            {
                "ticket.number": ticket.number,
                "ticket.title": ticket.title,
                "ticket.status": _choice_label(Status, ticket.status),
                "ticket.priority": _choice_label(Priority, ticket.priority),
                "confirm.link": f"{portal}#decide-heading",
                "reopen.link": f"{portal}#reopen-box",
            }
        )
        if ticket.pk and user.pk and ticket.status == Status.RESOLVED:
            # Signed one-click links (tickets/services/action_links.py): they work without a
            # password, for this recipient and this resolution only.
            values["confirm.link"] = action_link(user=user, ticket=ticket, action="confirm")
            values["reopen.link"] = action_link(user=user, ticket=ticket, action="reopen")
    return values


def sample_values(key: str, language: str) -> dict[str, str]:
    """Values of a made-up ticket for previews and test mail (no real customer's data)."""
    spec = spec_for(key)
    customer = spec is None or spec.audience == str(Audience.CUSTOMER)
    with translation.override(language):
        reader = User(
            username="sample",
            display_name=_("Li Na (sample)"),
            role="customer" if customer else "agent",
        )
        ticket = Ticket(
            number="GD-20261130-0042",
            title=_("The printer on floor 3 does not print"),
            status=Status.RESOLVED if key == RESOLVED else Status.IN_PROGRESS,
            priority=Priority.HIGH,
        )
        data = {
            "number": ticket.number,
            "title": ticket.title,
            "actor": _("Wang Fang (sample)"),
            "new": ticket.status,
            "target": "resolution",
            "percent": "75",
            "level": "1",
            "due": "2026-11-30 17:00",
            "note": _("Call the customer back"),
            "subject": ticket.number,
            "deadline": "2026-12-01 12:00",
            "year": "2027",
            "calendar_name": _("Mainland China"),
            "webhook": "https://example.com/hook",
            "failures": "10",
            "article_title": _("Connecting to the VPN from home (sample)"),
            "to": "published",
        }
        if key in {Kind.ARTICLE_REVIEW, Kind.ARTICLE_DECIDED}:
            data["article"] = "1"
        values = ticket_values(
            user=reader,
            kind=Kind.STATUS_CHANGED if key == RESOLVED else key,
            ticket=ticket,
            data=data,
            reply=_("Please restart the printer and try again."),
        )
        values["code"] = "482913"
        values["reset.link"] = f"{settings.SITE_URL}/portal/password/reset/Mg/sample-token/"
        values["confirm.link"] = f"{settings.SITE_URL}/portal/register/confirm/sample-token/"
        values["login.link"] = f"{settings.SITE_URL}/portal/login/"
    return values


# --- choosing and rendering -------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def template_for(key: str, language: str) -> tuple[str, str, str, bool]:
    """(subject, text, html, customized): the admins' version, else the shipped default."""
    row = MailTemplate.objects.filter(key=key, language=language).first()
    if row is not None:
        return row.subject, row.body_text, row.body_html, True
    subject, text = default_template(key, language)
    return subject, text, "", False


def render_parts(subject: str, text: str, html: str, values: dict[str, str]) -> Rendered:
    return Rendered(
        subject=placeholders.render(subject, values, one_line=True)[:500],
        text=placeholders.render(text, values),
        html=placeholders.render(html, values, html=True) if html.strip() else "",
    )


def render_mail(key: str, language: str, values: dict[str, str]) -> Rendered:
    """The mail for ``key`` in ``language``. Without a ticket (a supervision of a whole team) the
    subject is the notification's sentence. A stored template that no longer parses falls back
    to the default rather than losing the mail."""
    subject, text, html, customized = template_for(key, language)
    try:
        return render_parts(_subject(subject, values), text, html, values)
    except placeholders.TemplateProblem:
        if not customized:
            raise
        subject, text = default_template(key, language)
        return render_parts(_subject(subject, values), text, "", values)


def _subject(subject: str, values: dict[str, str]) -> str:
    """A subject naming the ticket, for a mail without one, becomes the sentence."""
    if "ticket.number" in values or "message" not in values:
        return subject
    names = {name for is_name, name in placeholders.parse(subject) if is_name}
    return "{message}" if any(n.startswith("ticket.") for n in names) else subject
