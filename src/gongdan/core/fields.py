"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models

from gongdan.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (``core.crypto``) and read back as plain text.

    The empty string stays empty (so "is a secret set?" needs no key), ``None`` stays ``None``.
    Saving, ``QuerySet.update()`` and bulk writes encrypt; an old plain value (before the column
    was encrypted) reads as itself and is encrypted on its next save. Encrypted values differ on
    every write, so filtering by the value does not work: look rows up by another column.
    """

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return crypto.decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or crypto.is_encrypted(value):
            return value
        return crypto.encrypt(value)


def encrypt_existing(app_label: str, columns: dict[str, list[str]]) -> Any:
    """A ``RunPython`` step that encrypts the plain values already in the given columns.

    ``columns`` maps a model name to its encrypted fields. Every value is read (a plain one reads
    as itself) and written back, which encrypts it.
    """

    def run(apps: Any, schema_editor: Any) -> None:
        for model_name, fields in columns.items():
            model = apps.get_model(app_label, model_name)
            manager = model._base_manager.using(schema_editor.connection.alias)
            for row in manager.values("pk", *fields).iterator(chunk_size=500):
                values = {f: row[f] for f in fields if row[f]}
                if values:
                    manager.filter(pk=row["pk"]).update(**values)

    return run


def decrypt_existing(app_label: str, columns: dict[str, list[str]]) -> Any:
    """The reverse of :func:`encrypt_existing`: write the plain values back (to unapply)."""

    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        for model_name, fields in columns.items():
            model = apps.get_model(app_label, model_name)
            meta = model._meta
            manager = model._base_manager.using(connection.alias)
            for row in manager.values("pk", *fields).iterator(chunk_size=500):
                for name in fields:
                    column = quote(meta.get_field(name).column)
                    with connection.cursor() as cursor:  # raw: the field would encrypt again
                        cursor.execute(
                            f"UPDATE {quote(meta.db_table)} SET {column} = %s "  # noqa: S608
                            f"WHERE {quote(meta.pk.column)} = %s",
                            [row[name], row["pk"]],
                        )

    return run
