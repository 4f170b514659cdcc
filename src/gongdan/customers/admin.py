"""Back-office editing of customer organizations and contacts, through their services
(``organization_save`` / ``contact_save``: validated, audited, announced to the search index).

Contacts are listed on their organization's page but edited on their own; neither is deleted
here (tickets keep their requester and organization).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongdan.audit.admin import ReadOnlyInline
from gongdan.customers.models import Contact, Organization
from gongdan.customers.services import contact_save, organization_save


class ServiceAdmin(admin.ModelAdmin):
    """Saves through a service; never deletes."""

    writes_through_services = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContactInline(ReadOnlyInline, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "mobile", "is_org_admin", "user"]
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin):
    list_display = ["code", "name", "tier", "phone", "is_active"]
    list_filter = ["is_active", "tier"]
    search_fields = ["code", "name", "email_domains", "phone"]
    inlines = [ContactInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        organization_save(
            actor=request.user,  # type: ignore[arg-type]
            organization=obj,
            created=not change,
            fields=list(form.changed_data),
        )


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    list_display = ["name", "organization", "email", "mobile", "is_org_admin"]
    list_filter = ["is_org_admin", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "email", "mobile", "organization__name"]
    autocomplete_fields = ["organization", "user"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        contact_save(
            actor=request.user,  # type: ignore[arg-type]
            contact=obj,
            created=not change,
            fields=list(form.changed_data),
        )
