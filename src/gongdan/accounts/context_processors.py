"""``desk_brand`` for templates: the desk's name and logo URL (``{{ desk_brand.name }}``,
``{{ desk_brand.logo_url }}``), read lazily so pages that do not show it cost no query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gongdan.accounts.desk import desk_brand as load_brand


def desk_brand(request: HttpRequest) -> dict[str, Any]:
    return {"desk_brand": SimpleLazyObject(load_brand)}
