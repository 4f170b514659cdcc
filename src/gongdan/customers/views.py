"""Customers in the workspace (``/desk/customers/``): organizations and contacts.

Staff (admins, supervisors, agents) see the lists and pages; supervisors and administrators
edit them (agents get the page read-only and 403 on a post); customers get 403. Views parse,
call one selector or service (``customers.services.organization_update`` /
``contact_update``) and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongdan.accounts.policies import is_manager, is_staff_user
from gongdan.core.api_support import paginate
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.forms import add_domain_error
from gongdan.core.pages import page_guard
from gongdan.customers import selectors, services
from gongdan.customers.forms import ContactForm, OrganizationForm, SearchForm

PAGE_SIZE = 50


# Sign-in first; staff may look; only supervisors and admins may post.
staff_page = page_guard(is_staff_user, may_post=is_manager)


@require_GET
@staff_page
def customer_list(request: HttpRequest) -> HttpResponse:
    """Organizations (with their contact counts) and contacts matching the search."""
    form = SearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    tab = "contacts" if request.GET.get("tab") == "contacts" else "organizations"
    cursor = request.GET.get("cursor")
    if tab == "contacts":
        qs: Any = selectors.contact_directory(user=request.user, q=q)  # type: ignore[arg-type]
    else:
        qs = selectors.organization_search(user=request.user, q=q)  # type: ignore[arg-type]
    page = paginate(qs, ordering=["name", "id"], size=PAGE_SIZE, cursor=cursor)
    context = {"form": form, "tab": tab, "page": page, "q": q}
    return render(request, "customers/list.html", context)


def _organization(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.organization_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _contact(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.contact_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@require_http_methods(["GET", "POST"])
@staff_page
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organization(request, pk)
    form = OrganizationForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, organization=org, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The organization was saved."))
            return redirect("customers_desk:organization", pk=org.pk)
    contacts = selectors.contact_directory(user=request.user, organization=org.pk)[:200]  # type: ignore[arg-type]
    context = {
        "organization": org,
        "form": form,
        "contacts": contacts,
        "can_edit": is_manager(request.user),
    }
    status = 422 if form.errors else 200
    return render(request, "customers/organization.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_page
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = ContactForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("organization")
        try:
            services.contact_update(
                actor=request.user,  # type: ignore[arg-type]
                contact=contact,
                organization=org,
                clear_organization=org is None,
                **data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("customers_desk:contact", pk=contact.pk)
    context = {"contact": contact, "form": form, "can_edit": is_manager(request.user)}
    status = 422 if form.errors else 200
    return render(request, "customers/contact.html", context, status=status)
