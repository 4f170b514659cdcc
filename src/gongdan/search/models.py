"""The search index's rows (one per searchable object) and the admins' dictionary of terms."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdan.search.choices import DocKind


class SearchTerm(models.Model):
    """A word the segmenter must keep whole (product names, 连不上, 金蝶云, site jargon).

    Loaded into the tokenizer of every process within a few seconds of a change. Documents
    indexed before the change keep their old tokens until ``search_rebuild`` runs
    (``search_check`` reports them as stale).
    """

    word = models.CharField(_("word"), max_length=50, unique=True)
    weight = models.PositiveIntegerField(
        _("weight"),
        null=True,
        blank=True,
        help_text=_("Optional frequency for the segmenter; empty lets it choose."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("dictionary words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class SearchDocument(models.Model):
    """The searchable text of one ticket, organization, contact or user.

    ``title``/``body``/``internal`` keep the original text (for snippets); the ``*_tokens``
    columns hold the same text segmented into space-separated lower-case tokens, which the
    full-text index reads: an FTS5 table kept by triggers on SQLite, generated ``tsvector``
    columns with GIN indexes on PostgreSQL (see the 0001 migration). ``internal`` (internal
    notes) is searchable by staff only. Written only by ``search.services``.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=DocKind.choices)
    obj_id = models.BigIntegerField(_("object id"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    internal = models.TextField(_("internal text"), blank=True)
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    internal_tokens = models.TextField(blank=True)
    # Unix time of the object's last change: the recency boost reads it.
    ts = models.BigIntegerField(_("changed at (unix time)"), default=0)
    digest = models.CharField(_("digest"), max_length=40)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "obj_id"],
                name="search_document_once",
                violation_error_message=_("This object is already indexed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.obj_id}"
