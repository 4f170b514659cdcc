"""Sending a stored upload (ticket attachment, article file) back to whoever may read it."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _

from gongdan.core.errors import NotFound
from gongdan.core.models import StoredFile


def stored_file_response(item: StoredFile, *, inline: bool = False) -> FileResponse:
    """The file of ``item`` under its display name: a download, or ``inline`` (images shown in
    a page). Never sniffed as another type, never kept by shared caches. A file gone from
    storage is 404 ``attachment.missing``. The caller has already checked who may read it."""
    try:
        handle = item.file.open("rb")  # type: ignore[attr-defined]
    except FileNotFoundError as exc:
        raise NotFound("attachment.missing", _("The file is missing from storage.")) from exc
    response = FileResponse(
        handle, as_attachment=not inline, filename=item.name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
