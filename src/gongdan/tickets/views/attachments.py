"""Attachment downloads, for staff and customers alike, only through the visibility policy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from gongdan.core.errors import NotFound
from gongdan.tickets.selectors import attachment_get


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send the file as a download (never rendered inline), or 404 for anyone not allowed."""
    try:
        attachment = attachment_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("file missing") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
