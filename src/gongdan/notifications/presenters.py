"""Notifications as sentences in the reader's language, with a link to the right page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongdan.accounts.models import User
from gongdan.notifications.choices import Kind
from gongdan.notifications.models import Notification
from gongdan.tickets.choices import SlaTarget, Status


@dataclass(frozen=True)
class Shown:
    id: int
    text: str
    url: str
    created_at: object
    unread: bool


def _status_label(value: object) -> str:
    try:
        return str(Status(str(value)).label)
    except ValueError:
        return str(value or "")


def _target_label(value: object) -> str:
    try:
        return str(SlaTarget(str(value)).label)
    except ValueError:
        return str(value or "")


def notification_text(n: Notification) -> str:
    d = n.data
    values = {
        "actor": n.actor_label or _("Someone"),
        "number": d.get("number", ""),
        "title": d.get("title", ""),
        "status": _status_label(d.get("new")),
        "percent": d.get("percent", ""),
        "level": d.get("level", ""),
        "target": _target_label(d.get("target")),
        "due": d.get("due", ""),
        "note": d.get("note", ""),
        "subject": d.get("subject", ""),
        "deadline": d.get("deadline", ""),
        "decision": _decision_label(d.get("decision")),
        "year": d.get("year", ""),
        "calendar": d.get("calendar_name", ""),
        "webhook": d.get("webhook", ""),
        "failures": d.get("failures", ""),
        "article": d.get("article_title", ""),
        "schedule": d.get("schedule_name", ""),
        "start": d.get("start", ""),
        "end": d.get("end", ""),
    }
    sentences = {
        Kind.TICKET_ASSIGNED: _("%(actor)s assigned %(number)s to you: %(title)s"),
        Kind.CUSTOMER_REPLIED: _("%(actor)s replied on %(number)s: %(title)s"),
        Kind.NOTE_ADDED: _("%(actor)s added an internal note on %(number)s: %(title)s"),
        Kind.MENTIONED: _("%(actor)s mentioned you in a note on %(number)s: %(title)s"),
        Kind.STAFF_REPLIED: _("The service desk replied on your ticket %(number)s: %(title)s"),
        Kind.STATUS_CHANGED: _("Your ticket %(number)s is now “%(status)s”: %(title)s"),
        Kind.TICKET_RECEIVED: _("We received your request as ticket %(number)s: %(title)s"),
        Kind.CUSTOMER_ACTED: _("%(actor)s set %(number)s to “%(status)s”: %(title)s"),
        Kind.HURRIED: _("%(actor)s asked to hurry up (催办) on %(number)s: %(title)s"),
        Kind.SLA_WARNING: _("%(number)s: %(percent)s%% of the %(target)s time is used: %(title)s"),
        Kind.SLA_ESCALATED: _("%(number)s escalated (level %(level)s, %(target)s): %(title)s"),
        Kind.SLA_REMINDER: _("%(number)s: the %(target)s is due at %(due)s: %(title)s"),
        Kind.REMINDER: _("Reminder for %(number)s: %(note)s (%(title)s)"),
        Kind.SUPERVISION_OPENED: _(
            "%(actor)s opened a supervision (督办) on %(subject)s: answer by %(deadline)s"
        ),
        Kind.SUPERVISION_RESPONDED: _("%(actor)s answered the supervision (督办) on %(subject)s"),
        Kind.SUPERVISION_DECIDED: _(
            "%(actor)s %(decision)s your answer to the supervision (督办) on %(subject)s"
        ),
        Kind.SUPERVISION_OVERDUE: _(
            "The supervision (督办) on %(subject)s is due at %(deadline)s and not yet accepted"
        ),
        Kind.CALENDAR_NEXT_YEAR: _(
            "The official holidays of %(year)s are not in the calendar “%(calendar)s” yet: "
            "enter them, or upgrade chinesecalendar and run seed_calendars."
        ),
        Kind.WEBHOOK_DISABLED: _(
            "The webhook subscription “%(webhook)s” was switched off after %(failures)s failures"
        ),
        Kind.NO_AGENT: _("No agent was available for %(number)s; it waits in the queue: %(title)s"),
        Kind.ARTICLE_REVIEW: _("%(actor)s asks you to review the article “%(article)s”"),
        Kind.ARTICLE_DECIDED: (
            _("%(actor)s published your article “%(article)s”")
            if d.get("to") == "published"
            else _("%(actor)s sent your article “%(article)s” back to draft")
        ),
        Kind.REPORT_SENT: _("The scheduled report “%(schedule)s” for %(start)s – %(end)s is ready"),
    }
    template = sentences.get(n.kind)  # type: ignore[call-overload]
    if template is None:
        return f"{n.kind} {values['number']}"
    return template % values


def _decision_label(value: object) -> str:
    if value == "accepted":
        return str(_("accepted"))
    if value == "returned":
        return str(_("returned"))
    return str(value or "")


def notification_url(n: Notification, user: User) -> str:
    if n.data.get("supervision") and user.is_staff_member:
        return reverse("tickets:supervision_detail", args=[n.data["supervision"]])
    if n.kind == Kind.CALENDAR_NEXT_YEAR and n.data.get("calendar"):
        days = reverse("calendars:special_days", args=[n.data["calendar"]])
        return f"{days}?year={n.data.get('year', '')}"
    if n.data.get("article") and user.is_staff_member:
        return reverse("knowledge:detail", args=[n.data["article"]])
    if n.data.get("webhook_id") and user.is_staff_member:
        return reverse("channels:webhook_detail", args=[n.data["webhook_id"]])
    if n.kind == Kind.REPORT_SENT and user.is_staff_member:
        return str(n.data.get("link", ""))
    number = n.data.get("number")
    if not number:
        return ""
    if user.is_staff_member:
        return reverse("tickets:detail", args=[number])
    return reverse("portal:detail", args=[number])


def present(rows: list[Notification], user: User) -> list[Shown]:
    return [
        Shown(
            id=n.pk,
            text=notification_text(n),
            url=notification_url(n, user),
            created_at=n.created_at,
            unread=n.read_at is None,
        )
        for n in rows
    ]


# --- groups: one line for many alike ------------------------------------------------------------
#: Kinds told about many tickets at once by the sweeps: grouped across tickets.
ACROSS_TICKETS = (
    Kind.SLA_WARNING,
    Kind.SLA_REMINDER,
    Kind.SLA_ESCALATED,
    Kind.SUPERVISION_OVERDUE,
    Kind.NO_AGENT,
)


@dataclass(frozen=True)
class Group:
    """Notifications of one kind (about one ticket, or — ``ACROSS_TICKETS`` — about many),
    shown as one line that expands to its items; a group of one is shown as that item."""

    kind: str
    text: str
    url: str
    created_at: object
    unread: bool
    items: list[Shown]

    @property
    def id(self) -> int:
        return self.items[0].id

    @property
    def ids(self) -> str:
        return ",".join(str(item.id) for item in self.items)

    @property
    def single(self) -> bool:
        return len(self.items) == 1

    @property
    def unread_count(self) -> int:
        return sum(1 for item in self.items if item.unread)


def _key(n: Notification) -> tuple[str, object]:
    if n.kind in ACROSS_TICKETS:
        return (n.kind, None)
    return (n.kind, n.ticket_id or f"#{n.pk}")


def _across_text(kind: str, tickets: int, count: int) -> str:
    values = {"count": tickets}
    if kind == Kind.SLA_WARNING:
        return (
            ngettext("SLA at risk on %(count)s ticket", "SLA at risk on %(count)s tickets", tickets)
            % values
        )
    if kind == Kind.SLA_REMINDER:
        return (
            ngettext(
                "SLA targets due soon on %(count)s ticket",
                "SLA targets due soon on %(count)s tickets",
                tickets,
            )
            % values
        )
    if kind == Kind.SLA_ESCALATED:
        return (
            ngettext(
                "SLA escalations on %(count)s ticket",
                "SLA escalations on %(count)s tickets",
                tickets,
            )
            % values
        )
    if kind == Kind.NO_AGENT:
        return (
            ngettext(
                "No agent was available for %(count)s ticket",
                "No agent was available for %(count)s tickets",
                tickets,
            )
            % values
        )
    return ngettext(
        "%(count)s supervision (督办) close to or past its deadline",
        "%(count)s supervisions (督办) close to or past their deadline",
        count,
    ) % {"count": count}


def _group(kind: str, rows: list[Notification], items: list[Shown]) -> Group:
    first = items[0]
    unread = any(item.unread for item in items)
    if len(items) == 1:
        return Group(kind, first.text, first.url, first.created_at, unread, items)
    if kind in ACROSS_TICKETS:
        tickets = len({n.ticket_id or n.pk for n in rows})
        text = _across_text(kind, tickets, len(items))
        return Group(kind, text, "", first.created_at, unread, items)
    more = len(items) - 1
    text = ngettext(
        "%(text)s (and %(more)s more like it)", "%(text)s (and %(more)s more like it)", more
    ) % {
        "text": first.text,
        "more": more,
    }
    return Group(kind, text, first.url, first.created_at, unread, items)


def present_grouped(rows: list[Notification], user: User) -> list[Group]:
    """``rows`` (newest first) as groups by ticket and kind, in the order of each group's
    newest item. Grouping happens here, when shown: every row stays in the table."""
    shown = present(rows, user)
    buckets: dict[tuple[str, object], tuple[list[Notification], list[Shown]]] = {}
    for n, item in zip(rows, shown, strict=True):
        bucket = buckets.setdefault(_key(n), ([], []))
        bucket[0].append(n)
        bucket[1].append(item)
    return [_group(key[0], ns, items) for key, (ns, items) in buckets.items()]
