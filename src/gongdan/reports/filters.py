"""Report filters and groupings, named as ``tickets_list`` names them, so a figure's drill-down
link is the ticket list with the same query string."""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.utils.translation import gettext_lazy as _

from gongdan.core.errors import ValidationFailed

#: ``group_by`` values of timeseries and breakdowns (one rollup dimension each).
GROUPS = ("team", "assignee", "ticket_type", "category", "channel", "organization", "priority")
#: The ticket-list parameters a drill-down may use (``Stat.drill``/``Table.drills``): the
#: ``tickets_list`` filters, plus ranges on when a ticket was resolved or closed and its SLA
#: outcome, which the ticket list accepts for drill-downs (dates are local days, inclusive).
DRILL_PARAMS = (
    "view",
    "status",
    "priority",
    "ticket_type",
    "category",
    "team",
    "assignee",
    "channel",
    "organization",
    "created_from",
    "created_to",
    "resolved_from",
    "resolved_to",
    "closed_from",
    "closed_to",
    "sla",  # "breached": missed any SLA target; "met": resolved with every target met
    "reopened",  # "1": reopened at least once
)
#: Timeseries buckets.
INTERVALS = ("day", "week", "month")


@dataclass(frozen=True)
class ReportFilters:
    """Narrow a report; ``None``/empty means any. Same names (and meaning) as ``tickets_list``."""

    team: int | None = None
    assignee: int | None = None
    ticket_type: int | None = None
    category: int | None = None
    channel: str = ""
    organization: int | None = None
    priority: str = ""

    def as_query(self) -> dict[str, str]:
        """The ticket-list query parameters that mean the same rows (for drill-down links)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def check_choice(value: str, allowed: tuple[str, ...], *, code: str, field: str) -> str:
    """``value`` if it is one of ``allowed``, else a 422 naming the choices (nothing is saved)."""
    if value not in allowed:
        raise ValidationFailed(
            code,
            _("“%(value)s” is not a valid choice.") % {"value": str(value)[:40]},
            fields={field: _("Choose one of: %(names)s.") % {"names": ", ".join(allowed)}},
        )
    return value
