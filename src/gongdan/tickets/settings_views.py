"""Settings → Ticket types and Categories (/desk/settings/ticket-types/, …/categories/).

Administrators only (everyone else gets 403 before anything is read). Each view parses a form,
calls the reference-data service the API calls (``tickets.services.types``: same checks, same
codes) and renders; a refused save comes back with the service's messages next to the fields
(status 422) and nothing saved. A type's skill requirements live on the assignment settings
(linked from the type's page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.accounts.forms import StyledForm
from gongdan.accounts.models import Team
from gongdan.accounts.policies import is_admin
from gongdan.core import forms as forms_kit
from gongdan.core.errors import DomainError
from gongdan.core.pages import page_guard
from gongdan.tickets import services
from gongdan.tickets.models import Category, TicketType

# Sign-in first; administrators only.
admin_page = page_guard(is_admin)


class TicketTypeForm(StyledForm):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=50,
        help_text=gettext_lazy("Letters, digits, - and _; used in the API and in rules."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=100, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    default_team = forms.ModelChoiceField(
        label=gettext_lazy("Default team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("New tickets of this type go to this team's queue."),
    )
    is_onsite = forms.BooleanField(label=gettext_lazy("On-site work"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    sort_order = forms.IntegerField(
        label=gettext_lazy("Sort order"), min_value=0, max_value=32767, initial=0
    )


class CategoryForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=100, required=False)
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Parent category"),
        queryset=Category.objects.order_by("sort_order", "id"),
        required=False,
        empty_label=gettext_lazy("None (top level)"),
    )
    ticket_type = forms.ModelChoiceField(
        label=gettext_lazy("Only for the ticket type"),
        queryset=TicketType.objects.order_by("sort_order", "id"),
        required=False,
        empty_label=gettext_lazy("Every type"),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    sort_order = forms.IntegerField(
        label=gettext_lazy("Sort order"), min_value=0, max_value=32767, initial=0
    )


def _initial(obj: Model | None, form_class: type[forms.Form]) -> dict[str, Any] | None:
    return None if obj is None else {name: getattr(obj, name) for name in form_class.base_fields}


def _edit(
    request: HttpRequest,
    obj: Any,
    form_class: type[forms.Form],
    save: Callable[..., Any],
    template: str,
    done: str,
) -> HttpResponse:
    form = form_class(request.POST or None, initial=_initial(obj, form_class))
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            forms_kit.add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect(done)
    context = {"obj": obj, "form": form}
    return render(request, template, context, status=422 if form.errors else 200)


# --- ticket types --------------------------------------------------------------------------------
@require_GET
@admin_page
def type_list(request: HttpRequest) -> HttpResponse:
    rows = TicketType.objects.select_related("default_team").order_by("sort_order", "id")
    return render(request, "tickets/settings/type_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_page
def type_new(request: HttpRequest) -> HttpResponse:
    return _edit(
        request,
        None,
        TicketTypeForm,
        services.ticket_type_create,
        "tickets/settings/type_edit.html",
        "ticket_settings:types",
    )


@require_http_methods(["GET", "POST"])
@admin_page
def type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ticket_type = TicketType.objects.select_related("default_team").filter(pk=pk).first()
    if ticket_type is None:
        raise Http404

    def save(**values: Any) -> TicketType:
        return services.ticket_type_update(ticket_type=ticket_type, **values)

    template = "tickets/settings/type_edit.html"
    return _edit(request, ticket_type, TicketTypeForm, save, template, "ticket_settings:types")


# --- categories ----------------------------------------------------------------------------------
@require_GET
@admin_page
def category_list(request: HttpRequest) -> HttpResponse:
    rows = Category.objects.select_related("parent", "ticket_type").order_by("sort_order", "id")
    return render(request, "tickets/settings/category_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_page
def category_new(request: HttpRequest) -> HttpResponse:
    return _edit(
        request,
        None,
        CategoryForm,
        services.category_create,
        "tickets/settings/category_edit.html",
        "ticket_settings:categories",
    )


@require_http_methods(["GET", "POST"])
@admin_page
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise Http404

    def save(**values: Any) -> Category:
        return services.category_update(category=category, **values)

    template = "tickets/settings/category_edit.html"
    return _edit(request, category, CategoryForm, save, template, "ticket_settings:categories")


app_name = "ticket_settings"
urlpatterns = [
    path("ticket-types/", type_list, name="types"),
    path("ticket-types/new/", type_new, name="type_new"),
    path("ticket-types/<int:pk>/", type_edit, name="type"),
    path("categories/", category_list, name="categories"),
    path("categories/new/", category_new, name="category_new"),
    path("categories/<int:pk>/", category_edit, name="category"),
]
