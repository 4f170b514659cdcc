from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongdan.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Outbox subscribers keep the index in step with tickets, customers and users.
        from gongdan.search import (
            subscribers,  # noqa: F401
            tokenizer,
        )
        from gongdan.search.models import SearchTerm

        for signal in (post_save, post_delete):
            signal.connect(tokenizer.invalidate, sender=SearchTerm, dispatch_uid="search-terms")
