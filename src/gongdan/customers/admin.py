"""Back-office editing of customer organizations and contacts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongdan.core.events import emit
from gongdan.customers.models import Contact, Organization


class IndexedAdmin(admin.ModelAdmin):
    """Edits made here bypass the services: tell the search index (and any other subscriber)."""

    event = ""  # "organization" or "contact": the event names the object by that key

    def _changed(self, pks: list[int]) -> None:
        for pk in pks:
            emit(f"{self.event}.updated", **{self.event: pk})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        contacts = [fs for fs in formsets if fs.model is Contact]
        # Deleted rows lose their pk once deleted: take them first.
        deleted = [f.instance.pk for fs in contacts for f in fs.deleted_forms if f.instance.pk]
        super().save_related(request, form, formsets, change)
        self._changed([form.instance.pk])
        saved = [c.pk for fs in contacts for c in fs.new_objects]
        saved += [c.pk for fs in contacts for c, _fields in fs.changed_objects]
        for pk in saved + deleted:
            emit("contact.updated", contact=pk)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        self._changed([pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        self._changed(pks)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "mobile", "is_org_admin", "user"]
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(IndexedAdmin):
    event = "organization"
    list_display = ["code", "name", "tier", "phone", "is_active"]
    list_filter = ["is_active", "tier"]
    search_fields = ["code", "name", "email_domains", "phone"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(IndexedAdmin):
    event = "contact"
    list_display = ["name", "organization", "email", "mobile", "is_org_admin"]
    list_filter = ["is_org_admin", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "email", "mobile", "organization__name"]
    autocomplete_fields = ["organization", "user"]
