from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongdan.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Outbox subscribers keep the index in step with tickets, customers and users; the
        # tokenizer connects its dictionary cache's invalidation on import.
        from gongdan.search import (
            subscribers,  # noqa: F401
            tokenizer,  # noqa: F401
        )
