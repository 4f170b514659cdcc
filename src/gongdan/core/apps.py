from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sqlite_wal(using: str = "default", **kwargs: Any) -> None:
    """Put a SQLite database file in WAL mode (persistent): readers run beside the writer."""
    connection = connections[using]
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")


class CoreConfig(AppConfig):
    name = "gongdan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(_sqlite_wal, sender=self, dispatch_uid="gongdan-sqlite-wal")
