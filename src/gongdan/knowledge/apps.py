from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "gongdan.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # Outbox subscribers: articles sent for review (or decided) notify their people.
        from gongdan.knowledge import indexing, subscribers  # noqa: F401

        # Articles are a kind of search document; search sits below us (docs/decisions/0004).
        indexing.install()
