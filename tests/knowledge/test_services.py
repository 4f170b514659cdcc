"""Knowledge services: workflow and who may move articles, revisions/diff/restore, language
variants, feedback, view counts and bad input."""

from __future__ import annotations

import pytest
from django.utils import translation

from gongdan.core.errors import Conflict, Forbidden, ValidationFailed
from gongdan.demo.knowledge import seed_articles
from gongdan.knowledge import selectors, services
from gongdan.knowledge.choices import ArticleLanguage, ArticleStatus, Visibility
from gongdan.knowledge.models import Article, ArticleFeedback, ArticleRevision
from gongdan.testing import World

pytestmark = pytest.mark.django_db


def _draft(world: World, **kw: object) -> Article:
    data = services.ArticleData(title=str(kw.pop("title", "VPN 使用说明")), body="第一版")
    return services.article_create(actor=kw.pop("by", world.agent), data=data)  # type: ignore[arg-type]


def test_agent_drafts_and_submits_but_only_a_supervisor_publishes(world: World) -> None:
    article = _draft(world)
    assert (article.status, article.team_id, article.version) == ("draft", world.it_team.pk, 1)

    services.article_transition(actor=world.agent, article=article, to=ArticleStatus.REVIEW)
    with pytest.raises(Forbidden):
        services.article_transition(actor=world.agent, article=article, to=ArticleStatus.PUBLISHED)
    assert Article.objects.get(pk=article.pk).status == "review"

    services.article_transition(actor=world.supervisor, article=article, to="published")
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.status == "published" and fresh.published_at is not None
    services.article_transition(actor=world.admin, article=fresh, to="archived")
    assert Article.objects.get(pk=article.pk).status == "archived"


def test_illegal_transition_is_a_clear_422(world: World) -> None:
    article = _draft(world)
    with pytest.raises(ValidationFailed) as exc:
        services.article_transition(actor=world.supervisor, article=article, to="review_done")
    assert exc.value.code == "article.illegal_transition"
    with pytest.raises(ValidationFailed):
        services.article_transition(actor=world.supervisor, article=article, to="archived_x")
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_other_team_agent_and_customer_cannot_edit_or_move(world: World) -> None:
    article = _draft(world)
    data = services.ArticleData(title="改掉", body="x")
    for outsider in (world.other_agent, world.customer):
        with pytest.raises(Forbidden):
            services.article_update(actor=outsider, article=article, data=data)
        with pytest.raises(Forbidden):
            services.article_transition(actor=outsider, article=article, to="review")
    with pytest.raises(Forbidden):
        services.article_create(actor=world.customer, data=data)
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.title, fresh.version, fresh.status) == ("VPN 使用说明", 1, "draft")


def test_empty_title_and_missing_organizations_are_refused_without_a_row(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.article_create(actor=world.agent, data=services.ArticleData(title="   "))
    assert exc.value.fields == {"title": "Give the article a title."}
    with pytest.raises(ValidationFailed) as exc:
        services.article_create(
            actor=world.agent,
            data=services.ArticleData(title="t", visibility=Visibility.ORGANIZATIONS),
        )
    assert "organizations" in exc.value.fields
    assert Article.objects.count() == 0


def test_every_save_is_a_revision_with_a_diff_and_restore(world: World) -> None:
    article = _draft(world)
    data = services.ArticleData(title="VPN 使用说明（新）", body="第一版\n第二行")
    article = services.article_update(actor=world.agent, article=article, data=data, note="补充")
    assert article.version == 2
    assert list(ArticleRevision.objects.filter(article=article).values_list("number", "note")) == [
        (2, "补充"),
        (1, "Created"),
    ]
    diff = selectors.revision_diff(article=article, old=1, new=2)
    assert ("-", "VPN 使用说明") in diff
    assert ("+", "VPN 使用说明（新）") in diff
    assert ("+", "第二行") in diff

    restored = services.article_restore(actor=world.agent, article=article, number=1)
    assert (restored.version, restored.title, restored.body) == (3, "VPN 使用说明", "第一版")
    assert ArticleRevision.objects.get(article=article, number=3).note == "Restored revision 1"
    with pytest.raises(ValidationFailed):
        services.article_restore(actor=world.agent, article=article, number=9)


def test_stale_version_is_a_conflict(world: World) -> None:
    article = _draft(world)
    data = services.ArticleData(title="新标题")
    with pytest.raises(Conflict):
        services.article_update(actor=world.agent, article=article, data=data, version=7)
    assert Article.objects.get(pk=article.pk).version == 1


def test_body_is_sanitised_html(world: World) -> None:
    data = services.ArticleData(
        title="xss", body="<script>alert(1)</script> [a](javascript:alert(1)) **ok**"
    )
    article = services.article_create(actor=world.agent, data=data)
    assert "<script>" not in article.body_html
    assert "javascript:" not in article.body_html.replace("[a](javascript:alert(1))", "")
    assert "<strong>ok</strong>" in article.body_html


def test_reader_sees_own_language_variant_and_falls_back(world: World) -> None:
    demo = seed_articles(actor=world.supervisor)
    only_zh = services.article_create(
        actor=world.supervisor,
        data=services.ArticleData(title="只有中文", visibility=Visibility.PUBLIC),
    )
    services.article_transition(actor=world.supervisor, article=only_zh, to="published")
    with translation.override("en"):
        titles = set(selectors.reader_articles(user=world.customer).values_list("title", flat=True))
        shown = selectors.variant_for_reader(user=world.customer, article=demo["vpn"])
    assert "VPN cannot connect" in titles and "VPN 连不上的排查步骤" not in titles
    assert "只有中文" in titles  # no English variant: the Chinese one
    assert shown.language == ArticleLanguage.EN
    with translation.override("zh-hans"):
        titles = set(selectors.reader_articles(user=world.customer).values_list("title", flat=True))
    assert "VPN 连不上的排查步骤" in titles and "VPN cannot connect" not in titles
    with pytest.raises(Conflict):
        services.article_create(
            actor=world.supervisor,
            data=services.ArticleData(title="again"),
            language="en",
            variant_of=demo["vpn"],
        )


def test_feedback_once_per_user_and_view_count(world: World) -> None:
    article = _draft(world)
    services.feedback_create(article=article, user=world.customer, session_key="", helpful=True)
    with pytest.raises(Conflict):
        services.feedback_create(
            article=article, user=world.customer, session_key="", helpful=False
        )
    services.feedback_create(article=article, user=world.org_admin, session_key="", helpful=False)
    assert ArticleFeedback.objects.filter(article=article).count() == 2
    services.article_viewed(article=article)
    services.article_viewed(article=article)
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_due_for_review_lists_published_articles_past_their_date(world: World) -> None:
    from datetime import date, timedelta

    article = services.article_create(
        actor=world.supervisor,
        data=services.ArticleData(title="过期", review_by=date.today() - timedelta(days=1)),
    )
    services.article_transition(actor=world.supervisor, article=article, to="published")
    services.article_create(
        actor=world.supervisor,
        data=services.ArticleData(title="未到期", review_by=date.today() + timedelta(days=5)),
    )
    assert [a.title for a in selectors.due_for_review(user=world.agent)] == ["过期"]


def test_agents_cannot_change_a_published_text_until_it_is_a_draft_again(world: World) -> None:
    article = _draft(world)
    services.article_transition(actor=world.supervisor, article=article, to="published")
    data = services.ArticleData(title="绕过审核", body="x")
    with pytest.raises(Forbidden):
        services.article_update(actor=world.agent, article=article, data=data)
    services.article_transition(actor=world.supervisor, article=article, to="draft")
    updated = services.article_update(actor=world.agent, article=article, data=data)
    assert (updated.title, updated.status) == ("绕过审核", "draft")
    services.article_transition(actor=world.supervisor, article=updated, to="archived")
    services.article_transition(actor=world.agent, article=updated, to="draft")  # the team's
    with pytest.raises(Forbidden):
        services.article_transition(actor=world.other_agent, article=updated, to="review")
