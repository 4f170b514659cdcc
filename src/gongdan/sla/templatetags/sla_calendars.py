"""``{% calendar_warning %}``: the December banner for administrators (at most one query)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils import timezone

from gongdan.sla.models import BusinessCalendar
from gongdan.sla.policies import can_edit_calendars
from gongdan.sla.selectors import calendars_missing_next_year

register = template.Library()


def calendar_warnings(request: HttpRequest) -> list[BusinessCalendar]:
    """Official calendars lacking next year's holidays, for admins; computed once per request."""
    cached: list[BusinessCalendar] | None = getattr(request, "_gongdan_calendar_warnings", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = calendars_missing_next_year() if can_edit_calendars(user) else []
        request._gongdan_calendar_warnings = cached  # type: ignore[attr-defined]
    return cached


@register.inclusion_tag("sla/_calendar_warning.html", takes_context=True)
def calendar_warning(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    missing = calendar_warnings(request) if request is not None else []
    return {"missing": missing, "next_year": timezone.localdate().year + 1}
