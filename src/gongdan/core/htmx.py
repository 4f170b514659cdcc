"""How the server-rendered pages answer htmx: one set of conventions for every app's views.

- :func:`is_htmx` / :func:`htmx_target`: was the request made by htmx (and for which element)?
  Typed, so views need no ``request.htmx  # type: ignore``.
- :func:`wants_fragment`: a swap inside the page gets the fragment; a boosted link or a history
  restore needs the whole page (htmx asks for it with the same URL).
- :func:`vary_on_htmx`: a URL that answers a fragment or a page must say so to caches.
- :func:`go`: after a change, htmx follows ``HX-Redirect``; a plain form post gets a 302.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def htmx_target(request: HttpRequest) -> str | None:
    """The id of the element htmx will swap (``HX-Target``), None for other requests."""
    details = getattr(request, "htmx", None)
    return details.target if details else None


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx swap (not a boosted link, not a history restore): answer the fragment."""
    details = getattr(request, "htmx", None)
    return bool(details and not details.boosted and not details.history_restore_request)


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url``: ``HX-Redirect`` for htmx, a 302 otherwise."""
    return HttpResponseClientRedirect(url) if is_htmx(request) else redirect(url)
