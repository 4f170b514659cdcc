"""Attachment downloads, for staff and customers alike, only through the visibility policy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from gongdan.core.downloads import stored_file_response
from gongdan.core.errors import NotFound
from gongdan.tickets.selectors import attachment_get


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send the file as a download (never rendered inline), or 404 for anyone not allowed."""
    try:
        attachment = attachment_get(user=request.user, pk=pk)  # type: ignore[arg-type]
        return stored_file_response(attachment)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
