"""Knowledge events (from the outbox) turned into notifications, and into search documents.

An article sent for review → its reviewers; published or sent back → its author. The subscriber
keeps its name (``notifications.article_review``) from when it lived in the notifications app, so
deliveries already recorded under that name are not made twice.
"""

from __future__ import annotations

from gongdan.accounts.models import User
from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.knowledge.choices import ArticleStatus
from gongdan.knowledge.models import Article
from gongdan.knowledge.policies import REVIEWERS
from gongdan.notifications.choices import Kind
from gongdan.notifications.services import notify
from gongdan.search.choices import DocKind
from gongdan.search.services import index_objects
from gongdan.search.subscribers import event_ids


@subscriber("article.changed", name="notifications.article_review")
def on_article_review(event: OutboxEvent) -> None:
    """An article sent for review → its reviewers: the supervisors and admins of its team, or
    every supervisor and admin when it has no team (or the team has none). Leaving review
    (published, or sent back to draft) → the article's author."""
    payload = event.payload
    if payload.get("action") != "article.status_changed":
        return
    article = Article.objects.select_related("author").filter(pk=payload.get("article")).first()
    if article is None or article.status != payload.get("to"):
        return  # moved on since: the newer event tells
    actor = User.objects.filter(pk=payload.get("actor")).first() if payload.get("actor") else None
    data = {"article": article.pk, "article_title": article.title, "to": article.status}
    if article.status == ArticleStatus.REVIEW:
        reviewers = User.objects.filter(is_active=True, role__in=REVIEWERS).order_by("id")
        own = reviewers.filter(teams=article.team_id) if article.team_id else reviewers.none()
        recipients = list(own) or list(reviewers)
        notify(recipients=recipients, kind=Kind.ARTICLE_REVIEW, actor=actor, data=data)
    elif payload.get("before") == ArticleStatus.REVIEW and article.status in {
        ArticleStatus.PUBLISHED,
        ArticleStatus.DRAFT,
    }:
        notify(recipients=[article.author], kind=Kind.ARTICLE_DECIDED, actor=actor, data=data)


@subscriber("knowledge.category_saved", "knowledge.tag_saved", name="search.knowledge_labels")
def on_knowledge_label(event: OutboxEvent) -> None:
    """An article's document carries its category's names and its tags."""
    articles = Article.objects.filter(category_id__in=event_ids(event, "category"))
    tagged = Article.objects.filter(tags__in=event_ids(event, "tag"))
    ids = {*articles.values_list("pk", flat=True), *tagged.values_list("pk", flat=True)}
    index_objects(kind=DocKind.ARTICLE, ids=sorted(ids))
