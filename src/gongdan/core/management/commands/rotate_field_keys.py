"""Re-encrypt every encrypted column with the first key of GONGDAN_FIELD_KEYS."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from gongdan.core import crypto
from gongdan.core.fields import EncryptedTextField


def encrypted_columns() -> list[tuple[Any, list[str]]]:
    """Every model with encrypted fields, and those fields."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate() -> int:
    """Decrypt with any configured key, encrypt with the first; returns the rows rewritten."""
    rewritten = 0
    for model, names in encrypted_columns():
        manager = model._base_manager
        with transaction.atomic():
            for row in manager.values("pk", *names).iterator(chunk_size=500):
                values = {name: row[name] for name in names if row[name]}
                if values:
                    manager.filter(pk=row["pk"]).update(**values)
                    rewritten += 1
    return rewritten


class Command(BaseCommand):
    help = (
        "Re-encrypt the encrypted columns (vendor secrets, tokens, mailbox passwords) with the "
        "first key of GONGDAN_FIELD_KEYS. Put the new key first and keep the old ones after it "
        "until this has run."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--show-derived",
            action="store_true",
            help="print the key derived from the current SECRET_KEY (to keep it in "
            "GONGDAN_FIELD_KEYS before changing SECRET_KEY) and do nothing else",
        )

    def handle(self, *args: Any, show_derived: bool = False, **options: Any) -> None:
        if show_derived:
            self.stdout.write(crypto.derived_key(settings.SECRET_KEY))
            return
        count = rotate()
        self.stdout.write(f"Re-encrypted {count} rows with the first key.")
