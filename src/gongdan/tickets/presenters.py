"""Turning timeline entries into sentences, in the reader's language, at display time."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongdan.tickets import hooks
from gongdan.tickets.choices import (
    Channel,
    EscalationAction,
    LinkKind,
    Priority,
    SlaTarget,
    Status,
    TimelineKind,
)
from gongdan.tickets.models import TimelineEntry

FIELD_LABELS = {"title": gettext_lazy("title"), "description": gettext_lazy("description")}


def _choice(choices: Any, value: str | None) -> str:
    if value is None or value == "":
        return "—"
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _ref(data: dict[str, Any], key: str) -> str:
    return data.get(f"{key}_label") or "—"


def _number(d: dict[str, Any], key: str = "number") -> str:
    """The other ticket's number, or words for one the reader may not open (emptied by
    ``selectors.timeline_hide_others``)."""
    return d.get(key) or _("a ticket you cannot open")


def _link_sentence(d: dict[str, Any]) -> str:
    number = _number(d)
    incoming = d.get("direction") == "from"
    if d.get("kind") == LinkKind.DUPLICATE_OF:
        if incoming:
            return _("marked %(number)s as a duplicate of this ticket") % {"number": number}
        return _("marked this ticket as a duplicate of %(number)s") % {"number": number}
    return _("linked this ticket and %(number)s as related") % {"number": number}


def describe(entry: TimelineEntry) -> str:  # noqa: C901 - one branch per entry kind
    """A one-line, translated description of a timeline entry (plain text; templates escape)."""
    d = entry.data or {}
    kind = entry.kind
    if kind == TimelineKind.CREATED:
        return _("created the ticket via %(channel)s") % {
            "channel": _choice(Channel, d.get("channel"))
        }
    if kind == TimelineKind.STATUS_CHANGED:
        return _("changed the status from %(old)s to %(new)s") % {
            "old": _choice(Status, d.get("old")),
            "new": _choice(Status, d.get("new")),
        }
    if kind == TimelineKind.ASSIGNED:
        if d.get("new") is None:
            return _("unassigned the ticket (was %(old)s)") % {"old": _ref(d, "old")}
        if d.get("new") == entry.actor_id:
            return _("took the ticket")
        return _("assigned the ticket to %(new)s") % {"new": _ref(d, "new")}
    if kind == TimelineKind.TEAM_CHANGED:
        return _("moved the ticket from team %(old)s to %(new)s") % {
            "old": _ref(d, "old"),
            "new": _ref(d, "new"),
        }
    if kind == TimelineKind.PRIORITY_CHANGED:
        return _("changed the priority from %(old)s to %(new)s") % {
            "old": _choice(Priority, d.get("old")),
            "new": _choice(Priority, d.get("new")),
        }
    if kind == TimelineKind.TYPE_CHANGED:
        return _("changed the type from %(old)s to %(new)s") % {
            "old": _ref(d, "old"),
            "new": _ref(d, "new"),
        }
    if kind == TimelineKind.CATEGORY_CHANGED:
        return _("changed the category from %(old)s to %(new)s") % {
            "old": _ref(d, "old"),
            "new": _ref(d, "new"),
        }
    if kind == TimelineKind.FIELD_CHANGED and d.get("field") == "watchers":
        return _("removed %(who)s as a watcher") % {"who": d.get("who", "")}
    if kind == TimelineKind.FIELD_CHANGED:
        return _("edited the %(field)s") % {
            "field": FIELD_LABELS.get(d.get("field", ""), d.get("field", ""))
        }
    if kind == TimelineKind.TAGS_CHANGED:
        return _("changed tags: added %(added)s; removed %(removed)s") % {
            "added": ", ".join(d.get("added", [])) or "—",
            "removed": ", ".join(d.get("removed", [])) or "—",
        }
    if kind == TimelineKind.REPLY:
        return _("replied")
    if kind == TimelineKind.NOTE:
        return _("added an internal note")
    if kind == TimelineKind.ATTACHMENT:
        return _("attached %(name)s") % {"name": d.get("name", "")}
    if kind == TimelineKind.CHILD_CREATED and "moved_from" in d:
        return _("took over child ticket %(number)s from merged ticket %(source)s") % {
            "number": _number(d),
            "source": _number(d, "moved_from"),
        }
    if kind == TimelineKind.CHILD_CREATED:
        return _("split off child ticket %(number)s") % {"number": _number(d)}
    if kind == TimelineKind.LINKED:
        return _link_sentence(d)
    if kind == TimelineKind.MERGED:
        return _("merged this ticket into %(number)s") % {"number": _number(d)}
    if kind == TimelineKind.MERGED_FROM:
        return _("merged ticket %(number)s into this one") % {"number": _number(d)}
    if kind == TimelineKind.WATCHER_ADDED:
        return _("added %(who)s as a watcher") % {"who": d.get("who", "")}
    if kind == TimelineKind.HURRIED:
        if d.get("note"):
            return _("asked to hurry up (催办): %(note)s") % {"note": d["note"]}
        return _("asked to hurry up (催办)")
    if kind in (
        TimelineKind.SLA_WARNING,
        TimelineKind.SLA_BREACHED,
        TimelineKind.SLA_ESCALATED,
        TimelineKind.SLA_REMINDER,
    ):
        return _sla_sentence(kind, d)
    if kind.startswith("supervision."):
        return _supervision_sentence(kind, d)
    if kind in hooks.timeline_sentences:  # kinds of the apps above (smart assignment)
        return hooks.timeline_sentences[kind](d)
    if kind == TimelineKind.TIME_LOGGED:
        if d.get("billable"):
            return _("logged %(minutes)s minutes (billable)") % {"minutes": d.get("minutes", "")}
        return _("logged %(minutes)s minutes") % {"minutes": d.get("minutes", "")}
    if kind == TimelineKind.TIME_DELETED:
        return _("deleted a time entry of %(minutes)s minutes by %(who)s") % {
            "minutes": d.get("minutes", ""),
            "who": d.get("who", ""),
        }
    if kind == TimelineKind.MAIL_FAILED:
        return _(
            "could not deliver the mail “%(subject)s” to %(to)s "
            "after %(attempts)s attempts: %(error)s"
        ) % {
            "subject": d.get("subject", ""),
            "to": d.get("to", ""),
            "attempts": d.get("attempts", ""),
            "error": d.get("error", ""),
        }
    return str(kind)


def _sla_sentence(kind: str, d: dict[str, Any]) -> str:
    values = {
        "target": _choice(SlaTarget, d.get("target")),
        "percent": d.get("percent", ""),
        "due": d.get("due", ""),
        "level": d.get("level", ""),
        "actions": ", ".join(str(_choice(EscalationAction, a)) for a in d.get("actions", [])),
    }
    if kind == TimelineKind.SLA_WARNING:
        return _("SLA warning: %(percent)s%% of the %(target)s time is used (due %(due)s)") % values
    if kind == TimelineKind.SLA_BREACHED:
        return _("SLA breached: the %(target)s target was due %(due)s") % values
    if kind == TimelineKind.SLA_REMINDER:
        return _("SLA reminder: the %(target)s is due %(due)s") % values
    sentence = _("SLA escalation level %(level)s (%(target)s): %(actions)s") % values
    if d.get("priority"):
        old, new = d["priority"]
        sentence += " " + _("(priority %(old)s → %(new)s)") % {
            "old": _choice(Priority, old),
            "new": _choice(Priority, new),
        }
    return sentence


def _supervision_sentence(kind: str, d: dict[str, Any]) -> str:
    values = {
        "deadline": d.get("deadline", ""),
        "requirements": d.get("requirements", ""),
        "response": d.get("response", ""),
        "note": d.get("note", ""),
    }
    sentences = {
        TimelineKind.SUPERVISION_OPENED: _(
            "opened a supervision (督办), answer by %(deadline)s: %(requirements)s"
        ),
        TimelineKind.SUPERVISION_RESPONDED: _("answered the supervision (督办): %(response)s"),
        TimelineKind.SUPERVISION_ACCEPTED: _(
            "accepted the answer; the supervision (督办) is closed"
        ),
        TimelineKind.SUPERVISION_RETURNED: _(
            "returned the answer to the supervision (督办): %(note)s"
        ),
        TimelineKind.SUPERVISION_CLOSED: _("the supervision (督办) closed with the ticket"),
        TimelineKind.SUPERVISION_OVERDUE: _(
            "the supervision (督办) is overdue (deadline %(deadline)s)"
        ),
        TimelineKind.SUPERVISION_ESCALATED: _(
            "the overdue supervision (督办) was escalated to the supervisors"
        ),
    }
    template = sentences.get(kind)  # type: ignore[call-overload]
    if template is None:
        return kind
    if kind == TimelineKind.SUPERVISION_CLOSED and d.get("note") == "cancelled":
        return str(_("the supervision (督办) was cancelled"))
    return template % values
