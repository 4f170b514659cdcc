"""The workspace search (page and the top bar's as-you-type menu) and the portal search."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongdan.accounts.access import customer_required
from gongdan.accounts.models import User
from gongdan.core.errors import DomainError
from gongdan.core.htmx import htmx_target
from gongdan.search.forms import SearchForm
from gongdan.search.selectors import SearchResult, search
from gongdan.tickets.views._common import is_htmx, staff_required

PAGE_SIZE = 20
MENU_SIZE = 8
MENU_TARGET = "gd-search-menu"


def _run(
    request: HttpRequest, *, staff: bool, size: int
) -> tuple[SearchForm, SearchResult | None, str]:
    """(form, result or None, error message) for the request's query."""
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET, user=user, staff=staff)
    if not form.is_valid() or not form.cleaned_data["q"].strip():
        return form, None, ""
    data = form.cleaned_data
    try:
        result = search(
            user=user,
            q=data["q"],
            kind=data.get("kind") or "",
            filters=form.filters(),
            limit=size,
            offset=data.get("offset") or 0,
        )
    except DomainError as exc:
        return form, None, str(exc.message)
    return form, result, ""


def _context(request: HttpRequest, form: SearchForm, result: SearchResult | None) -> dict[str, Any]:
    query = request.GET.copy()
    query.pop("offset", None)
    return {"form": form, "result": result, "query": query.urlencode()}


@require_GET
@staff_required
def desk_search(request: HttpRequest) -> HttpResponse:
    """The results page; the top bar's box gets the short menu; an exact number jumps."""
    menu = htmx_target(request) == MENU_TARGET
    form, result, error = _run(request, staff=True, size=MENU_SIZE if menu else PAGE_SIZE)
    context = _context(request, form, result) | {"error": error}
    if menu:
        return render(request, "search/_menu.html", context)
    if result is not None and result.jump is not None and not is_htmx(request):
        return HttpResponseRedirect(result.jump.url)
    if is_htmx(request):
        return render(request, "search/search_page.html#results", context)
    return render(request, "search/search_page.html", context)


@require_GET
@customer_required
def portal_search(request: HttpRequest) -> HttpResponse:
    """Customers search the tickets they may see (public text only)."""
    form, result, error = _run(request, staff=False, size=PAGE_SIZE)
    context = _context(request, form, result) | {"error": error}
    if result is not None and result.jump is not None and not is_htmx(request):
        return HttpResponseRedirect(result.jump.url)
    if is_htmx(request):
        return render(request, "search/portal_search.html#results", context)
    return render(request, "search/portal_search.html", context)
