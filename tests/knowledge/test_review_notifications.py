"""Review notifications: an article sent for review tells its reviewers; leaving review
(published, or sent back) tells its author. Nobody else hears of it; the actor never does."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from gongdan.accounts.models import Membership
from gongdan.knowledge import services
from gongdan.knowledge.choices import ArticleStatus
from gongdan.knowledge.models import Article
from gongdan.notifications.choices import Kind
from gongdan.notifications.models import Notification
from gongdan.notifications.presenters import notification_text, notification_url
from gongdan.testing import World

pytestmark = pytest.mark.django_db


def _draft(world: World) -> Article:
    data = services.ArticleData(title="VPN 使用说明", body="第一版")
    return services.article_create(actor=world.agent, data=data)


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_sent_for_review_tells_every_reviewer_when_its_team_has_none(
    world: World, live: Any
) -> None:
    article = _draft(world)
    with live():
        services.article_transition(actor=world.agent, article=article, to=ArticleStatus.REVIEW)

    assert _told(Kind.ARTICLE_REVIEW) == {"admin", "supervisor"}  # not agents nor customers
    note = Notification.objects.get(kind=Kind.ARTICLE_REVIEW, recipient=world.supervisor)
    with translation.override("en"):
        assert notification_text(note) == "agent asks you to review the article “VPN 使用说明”"
    assert notification_url(note, world.supervisor) == f"/desk/knowledge/{article.pk}/"


def test_sent_for_review_tells_the_reviewers_of_its_team(world: World, live: Any) -> None:
    Membership.objects.create(team=world.it_team, user=world.supervisor)
    article = _draft(world)
    with live():
        services.article_transition(actor=world.agent, article=article, to=ArticleStatus.REVIEW)

    assert _told(Kind.ARTICLE_REVIEW) == {"supervisor"}


@pytest.mark.parametrize(
    ("to", "text"),
    [
        ("published", "supervisor published your article “VPN 使用说明”"),
        ("draft", "supervisor sent your article “VPN 使用说明” back to draft"),
    ],
)
def test_leaving_review_tells_the_author(world: World, live: Any, to: str, text: str) -> None:
    article = _draft(world)
    services.article_transition(actor=world.agent, article=article, to=ArticleStatus.REVIEW)
    with live():
        services.article_transition(actor=world.supervisor, article=article, to=to)

    assert _told(Kind.ARTICLE_DECIDED) == {"agent"}
    with translation.override("en"):
        assert notification_text(Notification.objects.get(kind=Kind.ARTICLE_DECIDED)) == text


def test_no_review_no_decision_and_nobody_hears_of_their_own_move(world: World, live: Any) -> None:
    """A reviewer publishing straight from draft, or their own article, tells nobody."""
    article = _draft(world)
    own = services.article_create(
        actor=world.supervisor, data=services.ArticleData(title="自己的文章", body="正文")
    )
    with live():
        services.article_transition(actor=world.supervisor, article=article, to="published")
        services.article_transition(actor=world.supervisor, article=own, to="review")
    with live():
        services.article_transition(actor=world.supervisor, article=own, to="published")

    assert _told(Kind.ARTICLE_DECIDED) == set()
    assert _told(Kind.ARTICLE_REVIEW) == {"admin"}  # the supervisor's own request: the others


def test_a_request_already_decided_when_delivered_tells_nobody(world: World, live: Any) -> None:
    """Events are delivered after commit; one overtaken by a later move stays silent."""
    article = _draft(world)
    with live():
        services.article_transition(actor=world.agent, article=article, to="review")
        services.article_transition(actor=world.supervisor, article=article, to="published")

    assert _told(Kind.ARTICLE_REVIEW) == set()
    assert _told(Kind.ARTICLE_DECIDED) == {"agent"}
