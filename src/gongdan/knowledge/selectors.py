"""Reading the knowledge base: every query starts from ``policies.article_visibility``."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.core.errors import NotFound
from gongdan.knowledge.choices import ArticleLanguage, ArticleStatus
from gongdan.knowledge.indexing import article_subset
from gongdan.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleFile,
    ArticleRevision,
    Category,
    SuggestionOpen,
)
from gongdan.knowledge.policies import article_visibility
from gongdan.search import backends
from gongdan.search.choices import DocKind
from gongdan.search.selectors import related_rows, ticket_scope
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import TicketFilters, ticket_list

# An opened suggestion becomes a deflection when no ticket followed within this time.
DEFLECTION_WINDOW = timedelta(minutes=30)


@dataclass
class ArticleFilters:
    status: str = ""
    category: int | None = None
    language: str = ""
    team: int | None = None
    mine: bool = False


def reader_language() -> str:
    lang = (translation.get_language() or "").lower()
    return ArticleLanguage.EN if lang.startswith("en") else ArticleLanguage.ZH_HANS


def article_list(*, user: User, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    """Articles ``user`` may read (staff: every state), filtered, newest change first."""
    filters = filters or ArticleFilters()
    qs = Article.objects.filter(article_visibility(user))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.mine:
        qs = qs.filter(author=user)
    return qs.select_related("category", "team", "author").order_by("-updated_at", "-id")


def reader_articles(*, user: User, language: str | None = None) -> QuerySet[Article]:
    """One variant per article: the reader's language, else the other one (both visible)."""
    language = language or reader_language()
    visible = Article.objects.filter(article_visibility(user))
    sibling = visible.filter(group=OuterRef("group"), language=language)
    return (
        visible.filter(Q(language=language) | ~Exists(sibling))
        .select_related("category")
        .order_by("-published_at", "-id")
    )


def article_get(*, user: User, pk: int) -> Article:
    """An article ``user`` may read, or ``NotFound`` (others' articles do not exist for them)."""
    article = (
        Article.objects.filter(article_visibility(user), pk=pk)
        .select_related("category", "team", "author", "group", "source_ticket")
        .first()
    )
    if article is None:
        raise NotFound("article.not_found", _("Article not found."))
    return article


def article_file_get(*, user: User, pk: int) -> ArticleFile:
    """A file of an article ``user`` may read, or ``NotFound``: the same answer whether the
    file does not exist or belongs to an article the user may not read."""
    item = ArticleFile.objects.filter(
        pk=pk, article__in=Article.objects.filter(article_visibility(user)).values("pk")
    ).first()
    if item is None:
        raise NotFound("article.file_not_found", _("File not found."))
    return item


def variants(*, user: User, article: Article) -> list[Article]:
    """The other language variants of ``article`` that ``user`` may read."""
    return list(
        Article.objects.filter(article_visibility(user), group_id=article.group_id)
        .exclude(pk=article.pk)
        .only("id", "language", "title", "status")
    )


def variant_for_reader(*, user: User, article: Article) -> Article:
    """``article`` in the reader's language when such a variant is visible, else itself."""
    language = reader_language()
    if article.language == language:
        return article
    other = next((v for v in variants(user=user, article=article) if v.language == language), None)
    return article_get(user=user, pk=other.pk) if other is not None else article


def categories(*, with_counts_for: User | None = None) -> list[Category]:
    """All categories in tree order (parents first, by position), with the reader's counts."""
    qs = Category.objects.all()
    if with_counts_for is not None:
        visible = reader_articles(user=with_counts_for).values("pk")
        qs = qs.annotate(article_count=Count("articles", filter=Q(articles__in=visible)))
    rows = list(qs)
    children: dict[int | None, list[Category]] = {}
    for c in rows:
        children.setdefault(c.parent_id, []).append(c)
    ordered: list[Category] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            c.depth = depth  # type: ignore[attr-defined]
            ordered.append(c)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return ordered


def revision_list(*, article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("author").order_by("-number")


def revision_diff(*, article: Article, old: int, new: int) -> list[tuple[str, str]]:
    """A line diff of two revisions' title and body as ``(kind, line)``: kind is ``+``, ``-``,
    ``@`` (hunk header) or a space. ``NotFound`` for a revision the article does not have."""
    rows = {r.number: r for r in article.revisions.filter(number__in=[old, new])}
    if old not in rows or new not in rows:
        raise NotFound("article.unknown_revision", _("Revision not found."))
    a, b = rows[old], rows[new]
    lines = difflib.unified_diff(
        [a.title, "", *a.body.splitlines()],
        [b.title, "", *b.body.splitlines()],
        fromfile=f"v{old}",
        tofile=f"v{new}",
        lineterm="",
        n=3,
    )
    out: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        out.append(
            (line[:1] if line[:1] in "+-@" else " ", line[1:] if line[:1] in "+- " else line)
        )
    return out


def due_for_review(*, user: User) -> QuerySet[Article]:
    """Published articles whose review date has passed, oldest date first (staff)."""
    return (
        article_list(user=user)
        .filter(status=ArticleStatus.PUBLISHED, review_by__lt=timezone.localdate())
        .order_by("review_by", "id")
    )


def with_stats(qs: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate helpful / not-helpful answers and deflections (see ``DEFLECTION_WINDOW``)."""
    cutoff = timezone.now() - DEFLECTION_WINDOW
    return qs.annotate(
        helpful_yes=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
        helpful_no=Count("feedback", filter=Q(feedback__helpful=False), distinct=True),
        deflections=Count(
            "opens",
            filter=Q(opens__ticket_submitted=False, opens__opened_at__lt=cutoff),
            distinct=True,
        ),
    )


def article_stats(*, article: Article) -> dict[str, int]:
    """Helpful / not-helpful answers and deflections of one article."""
    counts = ArticleFeedback.objects.filter(article=article).aggregate(
        helpful_yes=Count("id", filter=Q(helpful=True)),
        helpful_no=Count("id", filter=Q(helpful=False)),
    )
    return {**counts, "deflections": deflection_count(article=article)}


def deflection_count(*, article: Article) -> int:
    cutoff = timezone.now() - DEFLECTION_WINDOW
    return SuggestionOpen.objects.filter(
        article=article, ticket_submitted=False, opened_at__lt=cutoff
    ).count()


def article_suggest(*, user: User, text: str, limit: int = 5) -> list[Article]:
    """Published articles ``user`` may read that share words with ``text``, best first, one
    variant per article (the first ranked)."""
    scope = backends.Scope((), False, subsets=(article_subset(user, published_only=True),))
    rows = related_rows(user=user, text=text, scope=scope, limit=limit * 2)
    ids = [obj_id for _doc, kind, obj_id, _s in rows if kind == DocKind.ARTICLE]
    found = Article.objects.select_related("category").in_bulk(ids)
    out: list[Article] = []
    groups: set[int] = set()
    for pk in ids:
        article = found.get(pk)
        if article is None or article.group_id in groups:
            continue
        groups.add(article.group_id)
        out.append(article)
    return out[:limit]


def similar_tickets(*, user: User, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """Resolved or closed tickets ``user`` may see whose text shares words with ``ticket``'s."""
    filters = TicketFilters(status=[Status.RESOLVED, Status.CLOSED])
    scope = ticket_scope(ticket_list(user=user, filters=filters).exclude(pk=ticket.pk))
    if scope is None:
        return []
    text = f"{ticket.title} {ticket.description}"
    rows = related_rows(user=user, text=text, scope=scope, limit=limit)
    ids = [obj_id for _doc, kind, obj_id, _s in rows if kind == DocKind.TICKET]
    found = Ticket.objects.only("id", "number", "title", "status").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def ticket_resolution(*, ticket: Ticket) -> str:
    """The last public reply by staff on ``ticket`` (its answer), or ``""``."""
    comment = (
        ticket.comments.filter(
            is_internal=False, author__role__in=[Role.ADMIN, Role.SUPERVISOR, Role.AGENT]
        )
        .order_by("-created_at", "-id")
        .only("body")
        .first()
    )
    return comment.body if comment is not None else ""
