"""Site-wide pages that belong to no app: the favicon, the icon sprite and the "forbidden" page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from gongdan.core.icons import sprite


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for whatever the page links: our own icon."""
    return redirect(static("gongdan/favicon.ico"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 as a page in the site's layout, in the reader's language, with a way on (the start
    page sends customers to the portal, staff to the desk) — not a bare "403 Forbidden"."""
    return render(request, "403.html", status=403)


@require_GET
@cache_control(max_age=31536000, public=True, immutable=True)
def icons(request: HttpRequest) -> HttpResponse:
    """``/icons.svg?v=<hash>``: the shell's icon sprite (``core.icons``); the hash in the query
    changes with the content, so the browser keeps it for a year."""
    body, _digest = sprite()
    return HttpResponse(body, content_type="image/svg+xml")
