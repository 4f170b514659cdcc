"""Workspace and portal pages: lists and articles (with query counts), editing, revisions,
the ticket page's knowledge panel, creating an article from a ticket, feedback, deflection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.knowledge import selectors, services
from gongdan.knowledge.models import Article, ArticleFeedback, ArticleFile, SuggestionOpen
from gongdan.testing import World, upload
from gongdan.tickets import services as ticket_services
from gongdan.tickets.choices import Status
from tests.knowledge.conftest import Kb

pytestmark = pytest.mark.django_db


def test_desk_list_query_count_is_constant(
    world: World, kb: Kb, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.agent)
    client.get("/desk/knowledge/")  # warm per-process caches (dictionary, ticket types)
    with django_assert_max_num_queries(8):
        response = client.get("/desk/knowledge/")
    assert response.status_code == 200
    assert kb.demo["vpn"].title in response.content.decode()
    for queue in ("review", "due"):
        assert client.get("/desk/knowledge/", {"queue": queue}).status_code == 200


def test_desk_detail_query_count(world: World, kb: Kb, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.agent)
    pk = kb.demo["printer"].pk
    client.get(f"/desk/knowledge/{pk}/")
    with django_assert_max_num_queries(14):
        response = client.get(f"/desk/knowledge/{pk}/")
    assert response.status_code == 200
    assert "<strong>paper jam</strong>" not in response.content.decode()  # zh variant
    assert "<strong>卡纸</strong>" in response.content.decode()
    assert Article.objects.get(pk=pk).view_count == 2


def test_portal_home_and_article_query_counts(
    world: World, kb: Kb, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.customer)
    client.get("/portal/kb/")
    with django_assert_max_num_queries(10):
        assert client.get("/portal/kb/").status_code == 200
    pk = kb.demo["vpn"].pk
    with django_assert_max_num_queries(14):
        response = client.get(f"/portal/kb/{pk}/")
    assert response.status_code == 200
    assert "Was this helpful?" in response.content.decode()


def test_portal_shows_reader_language(world: World, kb: Kb) -> None:
    client = world.client_for(world.customer)
    page = client.get(
        f"/portal/kb/{kb.demo['vpn'].pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "VPN cannot connect" in page


def test_feedback_from_the_portal_once(world: World, kb: Kb) -> None:
    client = world.client_for(world.customer)
    pk = Article.objects.get(group=kb.demo["vpn"].group, language="en").pk  # the reader's (en)
    client.post(f"/portal/kb/{pk}/feedback/", {"helpful": "yes", "comment": "有用"})
    client.post(f"/portal/kb/{pk}/feedback/", {"helpful": "no"})
    assert list(ArticleFeedback.objects.values_list("helpful", "comment")) == [(True, "有用")]
    assert "You rated this article" in client.get(f"/portal/kb/{pk}/").content.decode()


def test_deflection_counts_opened_suggestions_without_a_ticket(world: World, kb: Kb) -> None:
    pk = kb.demo["vpn"].pk
    reader = world.client_for(world.customer)
    reader.get(f"/portal/kb/{pk}/?from=suggest")
    reader.get(f"/portal/kb/{pk}/?from=suggest")  # once per session
    filer = world.client_for(world.org_admin)
    filer.get(f"/portal/kb/{pk}/?from=suggest")
    response = filer.post(
        "/portal/tickets/new/",
        {"title": "VPN 还是连不上", "description": "试过了", "ticket_type": world.incident.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    opens = SuggestionOpen.objects.order_by("id")
    assert [o.ticket_submitted for o in opens] == [False, True]
    article = Article.objects.get(pk=pk)
    assert selectors.deflection_count(article=article) == 0  # still inside the window
    SuggestionOpen.objects.update(opened_at=timezone.now() - timedelta(hours=1))
    assert selectors.deflection_count(article=article) == 1
    stats = selectors.with_stats(Article.objects.filter(pk=pk)).get()
    assert stats.deflections == 1  # type: ignore[attr-defined]


def test_new_ticket_form_suggests_articles(world: World, kb: Kb) -> None:
    client = world.client_for(world.customer)
    form = client.get("/portal/tickets/new/").content.decode()
    assert "/portal/kb/suggest/" in form and 'id="kb-suggestions"' in form
    html = client.get(
        "/portal/kb/suggest/", {"title": "VPN 连不上", "description": ""}
    ).content.decode()
    assert f"/portal/kb/{kb.demo['vpn'].pk}/?from=suggest" in html
    assert client.get("/portal/kb/suggest/", {"title": ""}).content.decode().strip() == ""


def test_agent_edits_with_revision_diff_and_restore(world: World, kb: Kb) -> None:
    client = world.client_for(world.supervisor)
    article = kb.demo["password"]
    form = {
        "title": "重置密码（更新）",
        "body": "新的步骤",
        "visibility": "public",
        "tags": "密码, 账号",
        "note": "改写",
        "version": article.version,
    }
    assert client.post(f"/desk/knowledge/{article.pk}/edit/", form).status_code == 302
    page = client.get(f"/desk/knowledge/{article.pk}/revisions/").content.decode()
    assert "+重置密码（更新）" in page and "-忘记密码：如何重置登录密码" in page
    client.post(f"/desk/knowledge/{article.pk}/restore/", {"revision": 1})
    assert Article.objects.get(pk=article.pk).title == "忘记密码：如何重置登录密码"
    bad = client.post(f"/desk/knowledge/{article.pk}/edit/", {**form, "title": " ", "version": ""})
    assert bad.status_code == 422 and "Give the article a title." in bad.content.decode()
    unknown = client.post(f"/desk/knowledge/{article.pk}/edit/", {**form, "category": 99999})
    assert unknown.status_code == 422


def test_workflow_buttons_and_files(world: World) -> None:
    agent = world.client_for(world.agent)
    response = agent.post(
        "/desk/knowledge/new/", {"title": "新文章", "language": "zh-hans", "visibility": "internal"}
    )
    article = Article.objects.get()
    assert response["Location"] == f"/desk/knowledge/{article.pk}/"
    agent.post(f"/desk/knowledge/{article.pk}/files/", {"file": upload("截图.png", b"\x89PNG...")})
    agent.post(f"/desk/knowledge/{article.pk}/status/", {"to": "review"})
    agent.post(f"/desk/knowledge/{article.pk}/status/", {"to": "published"})  # refused
    assert Article.objects.get().status == "review"
    world.client_for(world.supervisor).post(
        f"/desk/knowledge/{article.pk}/status/", {"to": "published"}
    )
    assert Article.objects.get().status == "published"
    late = upload("晚了.png", b"\x89PNG...")
    agent.post(f"/desk/knowledge/{article.pk}/files/", {"file": late})  # published: refused
    item = ArticleFile.objects.get()
    assert agent.get(f"/desk/knowledge/files/{item.pk}/").status_code == 200
    # internal article: customers get 404 for its file
    assert (
        world.client_for(world.customer).get(f"/desk/knowledge/files/{item.pk}/").status_code == 404
    )


def _resolved(world: World, title: str, description: str) -> Any:
    ticket = world.ticket(title=title, description=description)
    ticket = ticket_services.ticket_assign(
        actor=world.supervisor, ticket=ticket, assignee=world.agent
    )
    ticket_services.comment_create(actor=world.agent, ticket=ticket, body="已重装驱动，恢复正常。")
    ticket.refresh_from_db()
    return ticket_services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)


def test_ticket_panel_suggests_articles_and_similar_resolved_tickets(
    world: World, kb: Kb, live: Any
) -> None:
    with live():
        old = _resolved(world, "财务部打印机无法打印", "打印机驱动报错")
        other = world.ticket(by=world.other_customer, title="打印机卡纸", description="环球")
        current = world.ticket(title="打印机又无法打印了", description="驱动报错")
    panel = world.client_for(world.agent).get(f"/desk/knowledge/ticket/{current.number}/")
    html = panel.content.decode()
    assert kb.demo["printer"].title in html
    assert old.number in html
    similar = html.split('data-testid="kb-similar"')[1].split("</ul>")[0]
    assert old.number in similar and current.number not in similar
    assert other.number not in html  # open, not resolved
    assert "data-kb-insert" in html
    # another team's agent may not even see the ticket
    assert (
        world.client_for(world.other_agent)
        .get(f"/desk/knowledge/ticket/{current.number}/")
        .status_code
        == 404
    )
    assert (
        'id="ticket-knowledge"'
        in world.client_for(world.agent).get(f"/desk/tickets/{current.number}/").content.decode()
    )


def test_similar_tickets_still_found_when_only_the_newest_candidates_are_ranked(
    world: World, live: Any, settings: Any
) -> None:
    """With the candidate bound (SQLite) the newest matches are ranked first; the old resolved
    ticket is found all the same (by the fallback when the newest hold none)."""
    settings.GONGDAN_SEARCH_CANDIDATES = 2
    with live():
        old = _resolved(world, "财务部打印机无法打印", "打印机驱动报错")
        for i in range(4):
            world.ticket(title=f"打印机又坏了 {i}", description="驱动报错")
        current = world.ticket(title="打印机又无法打印了", description="驱动报错")
    if connection.vendor == "postgresql":  # its window comes from the planner's statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")

    with CaptureQueriesContext(connection) as queries:
        similar = selectors.similar_tickets(user=world.agent, ticket=current)

    assert [t.pk for t in similar] == [old.pk]
    ranked = [q["sql"] for q in queries.captured_queries if " AS score " in q["sql"]]
    window = "search_fts.rowid >=" if connection.vendor == "sqlite" else "doc.id >="
    assert window in ranked[0]  # the newest candidates first


def test_create_article_from_ticket_is_prefilled(world: World, kb: Kb) -> None:
    ticket = _resolved(world, "打印机报错 0x000", "打印时提示 0x000")
    client = world.client_for(world.agent)
    page = client.get("/desk/knowledge/new/", {"ticket": ticket.number}).content.decode()
    assert (
        "打印机报错 0x000" in page
        and "已重装驱动，恢复正常。" in page
        and "打印时提示 0x000" in page
    )
    response = client.post(
        "/desk/knowledge/new/",
        {
            "ticket": ticket.number,
            "title": "打印机报错 0x000",
            "body": "答案",
            "language": "zh-hans",
            "visibility": "internal",
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(title="打印机报错 0x000").source_ticket == ticket
    assert (
        world.client_for(world.other_agent)
        .get("/desk/knowledge/new/", {"ticket": ticket.number})
        .status_code
        == 404
    )


def test_add_translation_variant_from_the_desk(world: World) -> None:
    client = world.client_for(world.supervisor)
    client.post(
        "/desk/knowledge/new/", {"title": "中文", "language": "zh-hans", "visibility": "public"}
    )
    zh = Article.objects.get()
    page = client.get("/desk/knowledge/new/", {"variant_of": zh.pk}).content.decode()
    assert 'value="en" selected' in page
    client.post(
        "/desk/knowledge/new/",
        {"variant_of": zh.pk, "title": "English", "language": "en", "visibility": "public"},
    )
    assert Article.objects.get(title="English").group_id == zh.group_id
    assert services is not None


def test_lists_are_paged(world: World, kb: Kb, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from gongdan.knowledge import portal_views, views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    monkeypatch.setattr(portal_views, "PAGE_SIZE", 3)
    seen: list[str] = []
    client, url = world.client_for(world.agent), "/desk/knowledge/?status=published"
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r'href="/desk/knowledge/(\d+)/"', html)
        older = re.search(r'href="(\?[^"]*cursor=[^"]+)">Older', html)
        url = "/desk/knowledge/" + older.group(1).replace("&amp;", "&") if older else ""
    published = Article.objects.filter(status="published").values_list("pk", flat=True)
    assert sorted(map(int, seen)) == sorted(published)  # each once, none missing
    portal = world.client_for(world.customer)
    first = portal.get("/portal/kb/").content.decode()
    assert first.count('class="fw-semibold" href="/portal/kb/') == 3 and "Older" in first
    assert portal.get("/portal/kb/?cursor=garbage").status_code == 200
