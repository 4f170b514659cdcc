"""Back-office editing of customer organizations and contacts."""

from __future__ import annotations

from django.contrib import admin

from gongdan.customers.models import Contact, Organization


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "mobile", "is_org_admin", "user"]
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tier", "phone", "is_active"]
    list_filter = ["is_active", "tier"]
    search_fields = ["code", "name", "email_domains", "phone"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "email", "mobile", "is_org_admin"]
    list_filter = ["is_org_admin", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "email", "mobile", "organization__name"]
    autocomplete_fields = ["organization", "user"]
