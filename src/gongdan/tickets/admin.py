"""Tickets and their configuration in the admin. Tickets are read-only (they change only
through ``tickets.services``: timeline, audit and events); so are ticket types and categories,
which have their services (``tickets.services.types``), Settings pages and API. Tags are
saved through ``audit.config`` (audited)."""

from __future__ import annotations

from django.contrib import admin

from gongdan.audit.admin import AuditedAdmin
from gongdan.core.admin import ReadOnlyAdmin
from gongdan.tickets.models import Category, SavedView, Tag, Ticket, TicketType


@admin.register(TicketType)
class TicketTypeAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "name_en",
        "default_team",
        "is_onsite",
        "is_active",
        "sort_order",
    ]
    list_filter = ["is_active", "is_onsite"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "name_en", "parent", "ticket_type", "is_active", "sort_order"]
    list_filter = ["is_active", "ticket_type"]
    list_select_related = ["parent", "ticket_type"]
    search_fields = ["name", "name_en"]


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    search_fields = ["name"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "priority", "team", "assignee", "updated_at"]
    list_filter = ["status", "priority", "channel", "ticket_type", "team"]
    list_select_related = ["team", "assignee"]
    search_fields = ["number", "title"]
    date_hierarchy = "created_at"


@admin.register(SavedView)
class SavedViewAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "query", "created_at"]
    list_select_related = ["user"]
