"""Reading export jobs: a user sees only their own (anyone else's is "not found")."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.core.errors import NotFound
from gongdan.reports.models import Export

LIST_SIZE = 50


def export_list(*, user: object) -> QuerySet[Export]:
    """The user's exports that have not expired, newest first (at most ``LIST_SIZE``)."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return Export.objects.none()
    return Export.objects.filter(owner_id=pk, expires_at__gt=timezone.now())[:LIST_SIZE]


def export_get(*, user: object, pk: int) -> Export:
    """The user's own export ``pk``; ``NotFound`` for another's, an expired or an unknown one."""
    found = (
        Export.objects.filter(pk=pk, owner_id=getattr(user, "pk", None))
        .filter(expires_at__gt=timezone.now())
        .first()
        if 0 < pk < 2**63
        else None
    )
    if found is None:
        raise NotFound("export.not_found", _("No such export."))
    return found
