"""Smart-assignment decisions as translated sentences (timeline entries, preview pages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongdan.assignment.choices import PassReason, Strategy


def reason_label(value: str) -> str:
    try:
        return str(PassReason(value).label)
    except ValueError:
        return value


def strategy_label(value: str) -> str:
    try:
        return str(Strategy(value).label)
    except ValueError:
        return value


def explain(d: dict[str, Any]) -> str:
    """One line for a ``ticket.auto_assigned`` timeline entry's ``data``."""
    rule = d.get("rule_label") or _("the team's default")
    passed = d.get("passed_count", 0)
    if d.get("agent") is None:
        return _(
            "smart assignment found no available agent (rule: %(rule)s; %(passed)s passed over);"
            " the ticket waits in the team's queue"
        ) % {"rule": rule, "passed": passed}
    best = (d.get("scores") or [{}])[0]
    return _(
        "smart assignment chose %(agent)s (rule: %(rule)s; score %(score)s; %(passed)s passed over)"
    ) % {
        "agent": d.get("agent_label", ""),
        "rule": rule,
        "score": best.get("total", ""),
        "passed": passed,
    }
