"""Web forms as administrators configure them (Settings → Web forms, ``webforms_*`` API).

One validation for the page and the API: a name (unique, case-insensitive), an optional team and
ticket type, and allowed origins that are exactly ``https://host[:port]`` (or ``http://`` for
local testing) one per line — they go into the page's CSP ``frame-ancestors`` and the CORS
answer, so nothing else (paths, spaces, ``;``, wildcards) may slip in. Saves write the form, an
audit event and an outbox event (``webform.created`` / ``webform.updated``) in one transaction.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.audit.changes import Change, ChangeKind, record
from gongdan.channels.models import WebForm
from gongdan.channels.policies import require_channel_manager
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.tickets.models import TicketType

CREATED = ChangeKind("webform.created")
UPDATED = ChangeKind("webform.updated")
NAME_MAX = 100
ORIGINS_MAX = 20
HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def webform_list(*, user: User) -> QuerySet[WebForm]:
    require_channel_manager(user)
    return WebForm.objects.select_related("team", "ticket_type").order_by("name", "id")


def webform_get(*, user: User, pk: int) -> WebForm:
    form = webform_list(user=user).filter(pk=pk).first()
    if form is None:
        raise NotFound("webform.not_found", _("Web form not found."))
    return form


def parse_origin(text: str) -> str | None:
    """``https://Example.com:8443/`` → ``https://example.com:8443``; None when not an origin."""
    value = text.strip().rstrip("/").lower()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or parts.path or parts.query or parts.fragment:
        return None
    host = parts.hostname or ""
    if parts.username or parts.password or not HOST.match(host) or port == 0:
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def clean_origins(value: Any, errors: dict[str, str]) -> str:
    lines = value if isinstance(value, list) else str(value or "").split()
    origins: list[str] = []
    for line in lines:
        if not str(line).strip():
            continue
        origin = parse_origin(str(line))
        if origin is None:
            errors["allowed_origins"] = _(
                "“%(value)s” is not an origin: write https://host or https://host:port, "
                "one per line, without a path."
            ) % {"value": str(line)[:100]}
            return ""
        if origin not in origins:
            origins.append(origin)
    if len(origins) > ORIGINS_MAX:
        errors["allowed_origins"] = _("At most %(max)d origins.") % {"max": ORIGINS_MAX}
    return "\n".join(origins)


def _validate(values: dict[str, Any], pk: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if "name" in values:
        name = " ".join(str(values["name"] or "").split())
        values["name"] = name
        if not name:
            errors["name"] = _("This field is required.")
        elif len(name) > NAME_MAX:
            errors["name"] = _("Ensure this value has at most %(max)d characters.") % {
                "max": NAME_MAX
            }
        elif WebForm.objects.filter(name__iexact=name).exclude(pk=pk or 0).exists():
            errors["name"] = _("Another web form already has this name.")
    if "allowed_origins" in values:
        values["allowed_origins"] = clean_origins(values["allowed_origins"], errors)
    if errors:
        if errors.get("name") == _("Another web form already has this name."):
            code = "webform.exists"
        elif "allowed_origins" in errors:
            code = "webform.bad_origin"
        else:
            code = "webform.invalid"
        raise ValidationFailed(code, next(iter(errors.values())), fields=errors)
    return values


def _payload(form: WebForm) -> dict[str, Any]:
    return {
        "webform": form.pk,
        "key": form.key,
        "name": form.name,
        "team": form.team_id,
        "ticket_type": form.ticket_type_id,
        "origins": form.origins(),
        "is_active": form.is_active,
    }


def webform_create(
    *,
    actor: User,
    name: str,
    team: Team | None = None,
    ticket_type: TicketType | None = None,
    allowed_origins: str | list[str] = "",
    is_active: bool = True,
) -> WebForm:
    """A new web form (administrators); 422 ``webform.exists`` / ``webform.bad_origin``."""
    require_channel_manager(actor)
    values = _validate({"name": name, "allowed_origins": allowed_origins}, None)
    with transaction.atomic():
        form = WebForm.objects.create(
            team=team, ticket_type=ticket_type, is_active=is_active, **values
        )
        record(Change(CREATED, form, actor, payload=_payload(form)))
    return form


def webform_update(*, actor: User, form: WebForm, **values: Any) -> WebForm:
    """Change the fields given (``name``, ``team``, ``ticket_type``, ``allowed_origins``,
    ``is_active``); same checks as :func:`webform_create`, nothing saved when one fails."""
    require_channel_manager(actor)
    values = _validate(dict(values), form.pk)
    changed = sorted(k for k, v in values.items() if getattr(form, k) != v)
    with transaction.atomic():
        for key, value in values.items():
            setattr(form, key, value)
        form.save()
        record(Change(UPDATED, form, actor, payload={**_payload(form), "changed": changed}))
    return form


def page_url(form: WebForm) -> str:
    return settings.SITE_URL + reverse("webform:page", args=[form.key])


def submit_url(form: WebForm) -> str:
    return settings.SITE_URL + reverse("webform:submit", args=[form.key])


def embed_snippet(form: WebForm) -> str:
    """The HTML to paste into the company's site: an iframe only (no script, no inline style),
    so it fits a strict CSP on their side; ours lets only the allowed origins frame it."""
    return (
        f'<iframe src="{escape(page_url(form))}" title="{escape(form.name)}" '
        'width="100%" height="720" loading="lazy" referrerpolicy="strict-origin-when-cross-origin">'
        "</iframe>"
    )
