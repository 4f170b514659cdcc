"""Customer organizations and contacts in the Django admin, read-only: they are edited in the
workspace (``/desk/customers/``) and the API through ``customers.services`` (validated,
audited, announced to the search index). Neither is deleted anywhere (tickets keep their
requester and organization)."""

from __future__ import annotations

from django.contrib import admin

from gongdan.audit.admin import ReadOnlyInline
from gongdan.core.admin import ReadOnlyAdmin
from gongdan.customers.models import Contact, Organization


class ContactInline(ReadOnlyInline, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "mobile", "is_org_admin", "user"]
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "tier", "phone", "is_active"]
    list_filter = ["is_active", "tier"]
    search_fields = ["code", "name", "email_domains", "phone"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "email", "mobile", "is_org_admin"]
    list_filter = ["is_org_admin", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "email", "mobile", "organization__name"]
