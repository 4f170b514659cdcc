from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongdan.core.events import emit
from gongdan.knowledge.models import Category, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "parent", "position"]
    ordering = ["position", "id"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        emit("knowledge.category_saved", category=obj.pk)  # its articles' search documents


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        emit("knowledge.tag_saved", tag=obj.pk)  # its articles' search documents
