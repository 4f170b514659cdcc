"""Knowledge articles in the search index: their documents, who may read them, their rows.

Search sits below knowledge (knowledge's suggestions are built on it), so search does not import
articles; ``KnowledgeConfig.ready()`` registers them as a kind of document: :data:`SPEC` for the
index (``search.services.register_kind``) and :data:`READER` for the search itself
(``search.selectors.readers``).
"""

from __future__ import annotations

from collections.abc import Sequence

from gongdan.accounts.models import User
from gongdan.knowledge.models import Article
from gongdan.knowledge.policies import article_visibility
from gongdan.knowledge.rendering import plain_text
from gongdan.search import selectors, services
from gongdan.search.choices import DocKind
from gongdan.search.documents import Source, join_text
from gongdan.search.selectors import KindReader, Subset
from gongdan.search.services import KindSpec


def article_sources(articles: Sequence[Article]) -> list[Source]:
    """Articles with their category joined and tags prefetched by the caller."""
    return [
        Source(
            kind=DocKind.ARTICLE,
            obj_id=a.pk,
            title=a.title,
            body=join_text(
                [
                    plain_text(a.body_html),
                    " ".join(t.name for t in a.tags.all()),
                    a.category.name if a.category else "",
                    a.category.name_en if a.category else "",
                ]
            ),
            internal="",
            changed_at=a.updated_at,
        )
        for a in articles
    ]


def article_subset(user: User, *, published_only: bool = False) -> Subset:
    """The articles ``user`` may read, as an id subquery for ``backends.Scope.subsets``."""
    qs = Article.objects.filter(article_visibility(user))
    if published_only:
        qs = qs.filter(status="published")
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    return DocKind.ARTICLE, sql, tuple(params)


SPEC = KindSpec(
    Article,
    lambda: Article.objects.select_related("category").prefetch_related("tags"),
    article_sources,
)
READER = KindReader(
    subset=article_subset,
    objects=lambda: Article.objects.only("id", "title", "status", "language"),
)


def install() -> None:
    """Make articles a kind of search document (called by ``KnowledgeConfig.ready()``)."""
    services.register_kind(DocKind.ARTICLE, SPEC)
    selectors.readers[DocKind.ARTICLE] = READER
