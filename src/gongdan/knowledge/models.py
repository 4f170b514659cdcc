"""The knowledge base: categories, tags, articles (one row per language variant), revisions,
files, readers' feedback and the suggestion clicks that measure ticket deflection."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.core.models import StoredFile
from gongdan.knowledge.choices import ArticleLanguage, ArticleStatus, Visibility
from gongdan.tickets.models import BilingualName


class Category(BilingualName):
    """A shelf of the knowledge base; categories form a tree ordered by ``position``."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["position", "id"]


class Tag(models.Model):
    """A free label on articles (VPN, 打印机, Outlook)."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleGroup(models.Model):
    """One article in all its languages: its variants share this row."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article group")
        verbose_name_plural = _("article groups")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Article(models.Model):
    """One language variant of a knowledge-base article.

    ``body`` is Markdown; ``body_html`` is its rendering, sanitised with nh3, written by the
    services on every save (templates show it as is). ``version`` counts the revisions. Who may
    read: staff everything; customers published articles that are public or list their
    organization (``policies.article_visibility``). Written only by ``knowledge.services``.
    """

    group = models.ForeignKey(
        ArticleGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="variants"
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=ArticleLanguage.choices,
        default=ArticleLanguage.ZH_HANS,
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(_("body (HTML)"), blank=True, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    organizations = models.ManyToManyField(
        "customers.Organization",
        verbose_name=_("organizations"),
        blank=True,
        related_name="knowledge_articles",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
        help_text=_("Agents of this team may edit the article."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("created from ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "language"],
                name="knowledge_article_one_per_language",
                violation_error_message=_("This article already has a variant in this language."),
            )
        ]
        indexes = [models.Index(fields=["status", "review_by"], name="knowledge_review_idx")]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """The title and body of an article as saved at one version (every save adds one)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"],
                name="knowledge_revision_number_once",
                violation_error_message=_("This revision number already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


def article_file_path(instance: ArticleFile, filename: str) -> str:
    """Files live under a random name; the user's (sanitised) name is kept in the row."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"knowledge/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ArticleFile(StoredFile):
    """An image or attachment of an article, served by a view that checks the article's
    visibility (images are embedded in the Markdown by their download URL)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=article_file_path, max_length=200)

    class Meta:
        verbose_name = _("article file")
        verbose_name_plural = _("article files")
        ordering = ["id"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ArticleFeedback(models.Model):
    """A reader's "was this helpful?" answer: one per signed-in user, else one per session."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="feedback"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    session_key = models.CharField(_("session"), max_length=64, blank=True)
    helpful = models.BooleanField(_("helpful"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=models.Q(user__isnull=False),
                name="knowledge_feedback_once_per_user",
                violation_error_message=_("You have already rated this article."),
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=models.Q(user__isnull=True),
                name="knowledge_feedback_once_per_session",
                violation_error_message=_("You have already rated this article."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class SuggestionOpen(models.Model):
    """A customer opened an article suggested while writing a new ticket.

    ``ticket_submitted`` turns true when the same session then submits a ticket. An open older
    than ``DEFLECTION_WINDOW`` that is still false counts as a deflection: the customer read the
    article and did not file the ticket.
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="opens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    session_key = models.CharField(_("session"), max_length=64)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    ticket_submitted = models.BooleanField(_("ticket submitted afterwards"), default=False)

    class Meta:
        verbose_name = _("suggestion opened")
        verbose_name_plural = _("suggestions opened")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_key"],
                name="knowledge_open_once_per_session",
                violation_error_message=_("Already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.opened_at:%Y-%m-%d %H:%M}"
