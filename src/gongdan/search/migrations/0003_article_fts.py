# Written by hand: a second, small FTS5 index holding only knowledge articles (SQLite only).

from django.db import migrations

COLUMNS = "title_tokens, body_tokens, internal_tokens"
# Suggestions while a customer types look at articles only. In the one FTS5 index they would
# walk every ticket that shares a common word (hundreds of milliseconds at a million tickets)
# before the article filter applies; this index holds the few hundred articles alone. External
# content (the tokens stay in the document row), kept by triggers that fire for articles only.
FORWARD = [
    f"""CREATE VIRTUAL TABLE search_fts_article USING fts5(
        {COLUMNS},
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER search_doc_article_ai AFTER INSERT ON search_searchdocument
    WHEN new.kind = 'article' BEGIN
        INSERT INTO search_fts_article(rowid, {COLUMNS})
        VALUES (new.id, new.title_tokens, new.body_tokens, new.internal_tokens);
    END""",
    f"""CREATE TRIGGER search_doc_article_ad AFTER DELETE ON search_searchdocument
    WHEN old.kind = 'article' BEGIN
        INSERT INTO search_fts_article(search_fts_article, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.internal_tokens);
    END""",
    f"""CREATE TRIGGER search_doc_article_au AFTER UPDATE OF {COLUMNS}
    ON search_searchdocument WHEN old.kind = 'article' BEGIN
        INSERT INTO search_fts_article(search_fts_article, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.internal_tokens);
        INSERT INTO search_fts_article(rowid, {COLUMNS})
        VALUES (new.id, new.title_tokens, new.body_tokens, new.internal_tokens);
    END""",
    f"""INSERT INTO search_fts_article(rowid, {COLUMNS})
    SELECT id, {COLUMNS} FROM search_searchdocument WHERE kind = 'article'""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_article_au",
    "DROP TRIGGER IF EXISTS search_doc_article_ad",
    "DROP TRIGGER IF EXISTS search_doc_article_ai",
    "DROP TABLE IF EXISTS search_fts_article",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_alter_searchdocument_kind"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
