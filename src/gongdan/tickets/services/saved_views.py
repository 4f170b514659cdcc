"""Personal saved views: a named workspace list query string, kept per user."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.tickets.models import SavedView
from gongdan.tickets.services._common import require_staff

NAME_MAX = 60
QUERY_MAX = 1000
# Paging state is not part of a view: a saved view always opens on its first page.
_DROPPED_KEYS = {"cursor", "saved"}


def _clean_query(query: str) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)
        if k not in _DROPPED_KEYS
    ]
    cleaned = urlencode(pairs)
    if len(cleaned) > QUERY_MAX:
        message = _("These filters are too long to save.")
        raise ValidationFailed("saved_view.invalid", message, fields={"query": message})
    return cleaned


def saved_view_create(*, actor: User, name: str, query: str) -> SavedView:
    """Save the current list filters under ``name`` (staff only; names unique per user)."""
    require_staff(actor)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        message = _("Enter a name of at most %(max)d characters.") % {"max": NAME_MAX}
        raise ValidationFailed("saved_view.invalid", message, fields={"name": message})
    cleaned = _clean_query(query)
    with transaction.atomic():
        if SavedView.objects.filter(user=actor, name=name).exists():
            message = _("You already have a view with this name.")
            raise ValidationFailed("saved_view.exists", message, fields={"name": message})
        return SavedView.objects.create(user=actor, name=name, query=cleaned)


def saved_view_delete(*, actor: User, pk: int) -> None:
    """Delete one of the actor's own saved views; someone else's is ``NotFound``."""
    deleted, _rows = SavedView.objects.filter(user=actor, pk=pk).delete()
    if not deleted:
        raise NotFound("saved_view.not_found", _("Saved view not found."))
