"""Form helpers every app's views share: showing a service's error on the form it came from."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from gongdan.core.errors import DomainError


def add_domain_error(
    form: forms.BaseForm, exc: DomainError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's ``DomainError`` on ``form``, next to the fields it names.

    A service names its own fields; ``aliases`` maps a service name to the form's where they
    differ (``{"requester": "contact"}``), and a nested name (``skills.2.skill``) lands on its
    first part when the form has no field of the full name. When no named field is on the form,
    the error's message is shown above the form instead, so nothing is lost.
    """
    placed = False
    for name, message in exc.fields.items():
        target = (aliases or {}).get(name, name)
        if target not in form.fields:
            target = target.split(".", 1)[0]
        if target in form.fields:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
