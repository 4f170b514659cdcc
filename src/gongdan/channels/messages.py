"""Robot messages: one markdown text per team event, in the site's language, linking the ticket."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.channels.choices import RobotEvent
from gongdan.notifications.models import Notification
from gongdan.notifications.presenters import notification_text
from gongdan.sla.choices import SlaTarget
from gongdan.tickets.models import Ticket

# Customer-written text must not turn into links, images or headings in a staff group chat.
_INERT = str.maketrans(
    {"[": "［", "]": "］", "<": "＜", ">": "＞", "*": "＊", "`": "｀", "#": "＃"}
)


def inert(text: str) -> str:
    """``text`` on one line with markdown's active characters replaced by full-width ones."""
    return " ".join(str(text).split()).translate(_INERT)


def ticket_url(number: str) -> str:
    """The absolute link to the ticket in the workspace (``GONGDAN_SITE_URL``)."""
    return f"{settings.SITE_URL}{reverse('tickets:detail', args=[number])}"


def _target(value: Any) -> str:
    try:
        return str(SlaTarget(str(value)).label)
    except ValueError:
        return str(value or "")


def _headline(event_type: str, data: dict[str, Any]) -> str:
    values = {
        "target": _target(data.get("target")),
        "percent": data.get("percent", ""),
        "level": data.get("level", ""),
    }
    lines = {
        RobotEvent.TICKET_CREATED: _("New ticket"),
        RobotEvent.TICKET_HURRIED: _("A customer asked to hurry up (催办)"),
        RobotEvent.SLA_WARNING: _("SLA warning: %(percent)s%% of the %(target)s time is used"),
        RobotEvent.SLA_BREACHED: _("SLA breached: the %(target)s target was missed"),
        RobotEvent.SLA_ESCALATED: _("SLA escalation level %(level)s (%(target)s)"),
    }
    template = lines.get(event_type)  # type: ignore[call-overload]
    return template % values if template else event_type


def robot_message(event_type: str, ticket: Ticket, data: dict[str, Any]) -> tuple[str, str]:
    """``(title, markdown)`` for a group robot, rendered in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        headline = _headline(event_type, data)
        title = f"{headline} · {ticket.number}"
        lines = [
            f"**{headline}**",
            f"> {ticket.number} {inert(ticket.title)}",
            f"> {_('Priority')}: {ticket.get_priority_display()}"
            f" · {_('Status')}: {ticket.get_status_display()}",
        ]
        if ticket.team is not None:
            lines.append(f"> {_('Team')}: {inert(str(ticket.team))}")
        assignee = ticket.assignee
        if assignee is not None:
            name = assignee.display_name or assignee.username
            lines.append(f"> {_('Assignee')}: {inert(name)}")
        lines.append(f"[{_('Open the ticket')}]({ticket_url(ticket.number)})")
        return title, "\n".join(lines)


def notification_markdown(user: User, kind: str, data: dict[str, Any]) -> tuple[str, str]:
    """``(title, markdown)`` of a notification for one user, in their language (IM delivery)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = notification_text(Notification(recipient=user, kind=kind, data=data))
    title = text if len(text) <= 40 else text[:39] + "…"
    number = data.get("number")
    if number and user.is_staff_member:
        text += f"\n[{number}]({ticket_url(number)})"
    return title, text
