"""The admins' dictionary of search terms; the index itself is read-only here."""

from __future__ import annotations

from django.contrib import admin

from gongdan.audit.admin import AuditedAdmin
from gongdan.core.admin import ReadOnlyAdmin
from gongdan.search.models import SearchDocument, SearchTerm


@admin.register(SearchTerm)
class SearchTermAdmin(AuditedAdmin):
    list_display = ["word", "weight", "note", "created_at"]
    search_fields = ["word", "note"]


@admin.register(SearchDocument)
class SearchDocumentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "obj_id", "title", "indexed_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    show_full_result_count = False
