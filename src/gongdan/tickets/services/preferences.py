"""Per-user ticket list preferences (row density, the built-in views' columns) and the
"last opened" marks behind the list's unread markers. Neither is audited: they change nothing
anyone else sees."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import ValidationFailed
from gongdan.tickets.models import ListPreference, Ticket, TicketSeen
from gongdan.tickets.services._common import require_staff
from gongdan.tickets.services.saved_views import UNSET, clean_columns


def list_preference_set(
    *, actor: User, density: str = UNSET, columns: Sequence[str] | None = UNSET
) -> ListPreference:
    """Remember the actor's row density and/or their columns for the built-in views."""
    require_staff(actor)
    if density is not UNSET and density not in ListPreference.Density.values:
        message = _("Choose comfortable or compact rows.")
        raise ValidationFailed("list.invalid_density", message, fields={"density": message})
    keys = clean_columns(columns) if columns is not UNSET else UNSET
    with transaction.atomic():
        pref, _created = ListPreference.objects.select_for_update().get_or_create(user=actor)
        if density is not UNSET:
            pref.density = density
        if keys is not UNSET:
            pref.columns = keys
        pref.save()
    return pref


def ticket_seen_mark(*, actor: User, ticket: Ticket) -> None:
    """The actor has just opened ``ticket``'s page (staff only; one upsert statement)."""
    if not actor.is_authenticated or not getattr(actor, "is_staff_member", False):
        return
    TicketSeen.objects.bulk_create(
        [TicketSeen(user=actor, ticket=ticket, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "ticket"],
        update_fields=["seen_at"],
    )
