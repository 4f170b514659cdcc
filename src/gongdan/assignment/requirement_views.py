"""Skill requirements of a ticket type or a category (/desk/assignment/requirements/<kind>/<id>/),
linked from Settings → Ticket types and Categories. Supervisors and admins; others get 403."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gongdan.assignment import requirements
from gongdan.assignment.forms import Styled, _parse_skills, place_errors
from gongdan.assignment.settings_views import _manager
from gongdan.core.errors import DomainError
from gongdan.tickets.models import Category, TicketType
from gongdan.tickets.views._common import staff_required

KINDS: dict[str, Any] = {"type": TicketType, "category": Category}


class RequirementsForm(Styled):
    skills = forms.CharField(
        label=gettext_lazy("Required skills"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Skill codes with a minimum level, like printer:3, vpn:2; empty: none. Only agents "
            "with these levels get such tickets."
        ),
    )

    def clean_skills(self) -> list[tuple[str, int]]:
        return _parse_skills(self.cleaned_data.get("skills") or "")


@require_http_methods(["GET", "POST"])
@staff_required
def requirements_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = _manager(request)
    model = KINDS.get(kind)
    target = model.objects.filter(pk=pk).first() if model is not None else None
    if target is None:
        raise Http404
    rows = requirements.requirements_of(user=user, target=target)
    text = ", ".join(f"{r.skill.code}:{r.min_level}" for r in rows)
    form = RequirementsForm(request.POST or None, initial={"skills": text})
    if request.method == "POST" and form.is_valid():
        try:
            requirements.requirements_set(
                actor=user, target=target, requirements=form.cleaned_data["skills"]
            )
        except DomainError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, _("Saved the skill requirements."))
            return redirect("assignment:requirements", kind=kind, pk=pk)
    context = {"target": target, "kind": kind, "rows": rows, "form": form}
    status = 422 if form.errors else 200
    return render(request, "assignment/requirements.html", context, status=status)
