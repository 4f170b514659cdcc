"""The workspace shell's own pages: the Settings index and the sidebar's saved views.

The shell itself is a template (``shell/base.html``, rendered by ``tickets/base.html``); these
views serve what it links to. The saved views load into the sidebar by htmx after the page, so a
workspace page pays no query for them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gongdan.accounts.desk import desk_brand
from gongdan.core.settings_menu import visible_settings_pages
from gongdan.tickets.selectors import saved_view_list
from gongdan.tickets.views._common import actor, staff_required

SIDEBAR_VIEWS = 15


@require_GET
@staff_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """``/desk/settings/``: the settings pages this user's role may open, by group."""
    groups = visible_settings_pages(actor(request))
    return render(request, "shell/settings_index.html", {"groups": groups})


@require_GET
@staff_required
def sidebar_views(request: HttpRequest) -> HttpResponse:
    """The user's saved views as sidebar links (an htmx fragment)."""
    views = list(saved_view_list(user=actor(request))[:SIDEBAR_VIEWS])
    context = {"saved_views": views, "brand": desk_brand()}
    return render(request, "shell/_sidebar_views.html", context)


@require_GET
@staff_required
def views_home(request: HttpRequest) -> HttpResponse:
    """ "Views" in the sidebar (and ``g v``): the first saved view, else the ticket list."""
    first = next(iter(saved_view_list(user=actor(request))), None)
    url = reverse("tickets:list")
    return redirect(f"{url}?{first.query}" if first else url)
