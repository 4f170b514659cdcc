"""The ticket page's helpers: the customer side panel, the composer's Markdown preview and the
@mention suggestions (htmx partials, staff only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongdan.tickets.customer_panel import PANEL_SIZE, customer_panel
from gongdan.tickets.mentions import staff_suggestions
from gongdan.tickets.rendering import body_html
from gongdan.tickets.views._common import actor, staff_required, visible_ticket

PREVIEW_MAX = 50_000  # characters; a longer text is not previewed (the reply form limits it)


@require_GET
@staff_required
def customer_panel_view(request: HttpRequest, number: str) -> HttpResponse:
    """The requester's panel beside the ticket (loaded by the page with htmx)."""
    user = actor(request)
    ticket = visible_ticket(request, number)
    panel = customer_panel(user=user, ticket=ticket)
    context = {"ticket": ticket, "panel": panel, "panel_size": PANEL_SIZE}
    return render(request, "tickets/_customer_panel.html", context)


@require_POST
@staff_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The composer's text as the timeline will show it (the same renderer), never saved."""
    text = request.POST.get("body", "")
    if len(text) > PREVIEW_MAX:
        message = _("The text is too long to preview.")
        return render(request, "tickets/_preview.html", {"error": message}, status=422)
    return render(request, "tickets/_preview.html", {"html": body_html(text, markdown=True)})


@require_GET
@staff_required
def mention_suggestions(request: HttpRequest) -> HttpResponse:
    """Colleagues whose username or name matches ``q``, for ``@`` in an internal note."""
    people = staff_suggestions(user=actor(request), query=request.GET.get("q", ""))
    return render(request, "tickets/_mention_options.html", {"people": people})
