"""Knowledge categories and tags, read-only here: they are edited in the workspace and the API
through ``knowledge.services`` (which re-index the articles that show them)."""

from django.contrib import admin

from gongdan.core.admin import ReadOnlyAdmin
from gongdan.knowledge.models import Category, Tag


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "name_en", "parent", "position"]
    ordering = ["position", "id"]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    search_fields = ["name"]
