"""/portal/act/<token>/: the confirm and reopen links of a resolution mail.

GET shows what the link will do (no change: mail scanners open links); POST does it, as the
mail's recipient, through ``ticket_transition``. No sign-in is needed: the signed link is the
grant (``tickets/services/action_links.py``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongdan.core.errors import DomainError, NotFound
from gongdan.portal.forms import ReasonForm, add_domain_error
from gongdan.portal.views.tickets import SUCCESS
from gongdan.tickets.services import ticket_transition
from gongdan.tickets.services.action_links import action_grant


@never_cache
@require_http_methods(["GET", "POST"])
def act(request: HttpRequest, token: str) -> HttpResponse:
    try:
        grant = action_grant(token)
    except NotFound as exc:
        return render(request, "portal/act.html", {"invalid": str(exc.message)}, status=404)
    form = ReasonForm(request.POST or None) if grant.action == "reopen" else None
    context: dict[str, object] = {"grant": grant, "form": form}
    if request.method != "POST":
        return render(request, "portal/act.html", context)
    reason = form.cleaned_data["reason"] if form is not None and form.is_valid() else ""
    try:
        ticket_transition(actor=grant.user, ticket=grant.ticket, to=grant.to, comment=reason)
    except DomainError as exc:  # e.g. no reason given, or the ticket moved on meanwhile
        if form is not None:
            add_domain_error(form, exc)
        context["error"] = str(exc.message)
        return render(request, "portal/act.html", context, status=exc.status)
    context["done"] = str(SUCCESS[grant.to])
    return render(request, "portal/act.html", context)
