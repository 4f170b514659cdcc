"""Template filters of the report pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from gongdan.reports.present import drill_url

register = template.Library()


@register.filter
def drill_href(drill: Mapping[str, Any]) -> str:
    """The ticket list behind a figure (its ``drill`` is already inside the reader's scope)."""
    return drill_url(drill) or "#"
