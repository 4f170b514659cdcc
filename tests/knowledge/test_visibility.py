"""A customer never sees internal articles, drafts or another organization's articles — in the
portal pages, the suggestions, the global search and the API; outsiders cannot edit."""

from __future__ import annotations

import pytest

from gongdan.knowledge import selectors
from gongdan.knowledge.models import Article
from gongdan.search.selectors import search
from gongdan.testing import World
from tests.knowledge.conftest import Kb

pytestmark = pytest.mark.django_db


def _hidden_from_other(kb: Kb) -> list[Article]:
    return [kb.internal, kb.acme_only, kb.draft]


def test_portal_pages_hide_internal_draft_and_foreign_articles(world: World, kb: Kb) -> None:
    acme = world.client_for(world.customer)
    globex = world.client_for(world.other_customer)
    home = acme.get("/portal/kb/").content.decode()
    assert kb.acme_only.title in home
    assert kb.internal.title not in home and kb.draft.title not in home
    other_home = globex.get("/portal/kb/").content.decode()
    for article in _hidden_from_other(kb):
        assert article.title not in other_home
        assert globex.get(f"/portal/kb/{article.pk}/").status_code == 404
    assert acme.get(f"/portal/kb/{kb.internal.pk}/").status_code == 404
    assert acme.get(f"/portal/kb/{kb.draft.pk}/").status_code == 404
    assert acme.get(f"/portal/kb/{kb.acme_only.pk}/").status_code == 200
    search_page = globex.get("/portal/kb/", {"q": "打印机"}).content.decode()
    assert kb.demo["printer"].title in search_page
    for article in _hidden_from_other(kb):
        assert article.title not in search_page


def test_suggestions_respect_visibility(world: World, kb: Kb) -> None:
    globex = world.client_for(world.other_customer)
    html = globex.get("/portal/kb/suggest/", {"title": "打印机 驱动 备件"}).content.decode()
    assert kb.demo["printer"].title in html
    for article in _hidden_from_other(kb):
        assert article.title not in html
    mine = selectors.article_suggest(user=world.customer, text="打印机 配置 备件", limit=10)
    assert kb.acme_only in mine and kb.internal not in mine and kb.draft not in mine
    staff = selectors.article_suggest(user=world.agent, text="打印机 备件", limit=10)
    assert kb.internal in staff and kb.draft not in staff  # suggestions: published only


def test_global_search_returns_only_visible_articles(world: World, kb: Kb) -> None:
    result = search(user=world.other_customer, q="打印机", limit=50)
    ids = {h.obj_id for h in result.hits if h.kind == "article"}
    assert kb.demo["printer"].pk in ids
    assert not ids & {a.pk for a in _hidden_from_other(kb)}
    staff = search(user=world.agent, q="打印机", limit=50)
    staff_ids = {h.obj_id for h in staff.hits if h.kind == "article"}
    assert {kb.internal.pk, kb.draft.pk, kb.acme_only.pk} <= staff_ids
    assert world.client_for(world.agent).get("/desk/search/", {"q": "备件"}).status_code == 200


def test_api_hides_and_refuses(world: World, kb: Kb, api) -> None:  # type: ignore[no-untyped-def]
    other = api.as_(world.other_customer)
    listed = other.get("/knowledge/articles?size=100").json()["items"]
    ids = {a["id"] for a in listed}
    assert kb.demo["printer"].pk in ids
    assert not ids & {a.pk for a in _hidden_from_other(kb)}
    for article in _hidden_from_other(kb):
        response = other.get(f"/knowledge/articles/{article.pk}")
        assert (response.status_code, response.json()["code"]) == (404, "article.not_found")
    found = other.get("/search?q=打印机&kind=article").json()["items"]
    assert not {h["id"] for h in found} & {a.pk for a in _hidden_from_other(kb)}
    suggested = other.get("/knowledge/suggest?text=打印机 备件 配置").json()["items"]
    assert not {h["id"] for h in suggested} & {a.pk for a in _hidden_from_other(kb)}
    # Customers cannot write, other teams' agents cannot edit.
    assert other.post("/knowledge/articles", {"title": "x"}).status_code == 403
    patch = api.as_(world.customer).patch(f"/knowledge/articles/{kb.acme_only.pk}", {"title": "x"})
    assert patch.status_code == 403
    assert Article.objects.get(pk=kb.acme_only.pk).title.startswith("艾克米")


def test_other_team_agent_cannot_edit_in_pages_or_api(world: World, api) -> None:  # type: ignore[no-untyped-def]
    created = api.as_(world.agent).post("/knowledge/articles", {"title": "IT 的文章", "body": "a"})
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    outsider = api.as_(world.other_agent)
    response = outsider.patch(f"/knowledge/articles/{pk}", {"title": "改"})
    assert (response.status_code, response.json()["code"]) == (403, "permission.denied")
    client = world.client_for(world.other_agent)
    assert client.get(f"/desk/knowledge/{pk}/edit/").status_code == 404
    assert client.post(f"/desk/knowledge/{pk}/edit/", {"title": "改"}).status_code == 404
    client.post(f"/desk/knowledge/{pk}/status/", {"to": "review"})
    fresh = Article.objects.get(pk=pk)
    assert (fresh.title, fresh.status) == ("IT 的文章", "draft")
    # Customers are kept out of the workspace pages altogether.
    assert world.client_for(world.customer).get("/desk/knowledge/").status_code == 403


def test_search_check_and_rebuild_cover_articles(world: World, kb: Kb) -> None:
    from gongdan.search.models import SearchDocument
    from gongdan.search.services import search_check, search_rebuild

    assert all(r.consistent for r in search_check(kinds=["article"]))
    Article.objects.filter(pk=kb.internal.pk).update(title="改过的标题")  # bypasses the services
    SearchDocument.objects.filter(kind="article", obj_id=kb.draft.pk).delete()
    report = search_check(kinds=["article"])[0]
    assert (report.stale, report.missing) == ([kb.internal.pk], [kb.draft.pk])
    search_rebuild(kinds=["article"])
    assert search_check(kinds=["article"])[0].consistent
    assert SearchDocument.objects.get(kind="article", obj_id=kb.internal.pk).title == "改过的标题"


def test_visitors_not_signed_in_read_only_public_published_articles(world: World, kb: Kb) -> None:
    from django.test import Client

    from gongdan.knowledge.models import ArticleFeedback

    visitor = Client()
    home = visitor.get("/portal/kb/").content.decode()
    assert "VPN cannot connect" in home  # the reader's language (en) variant
    for article in _hidden_from_other(kb):
        assert article.title not in home
        assert visitor.get(f"/portal/kb/{article.pk}/").status_code == 404
    found = visitor.get("/portal/kb/", {"q": "打印机"}).content.decode()
    assert kb.demo["printer"].title in found and kb.acme_only.title not in found
    pk = Article.objects.get(group=kb.demo["vpn"].group, language="en").pk  # shown to en readers
    assert visitor.get(f"/portal/kb/{pk}/").status_code == 200
    visitor.post(f"/portal/kb/{pk}/feedback/", {"helpful": "no", "comment": "没解决"})
    visitor.post(f"/portal/kb/{pk}/feedback/", {"helpful": "yes"})  # once per session
    assert list(ArticleFeedback.objects.values_list("user", "helpful")) == [(None, False)]
    assert "You rated this article" in visitor.get(f"/portal/kb/{pk}/").content.decode()
    # The suggestions of the new-ticket form stay behind the sign-in.
    assert visitor.get("/portal/kb/suggest/", {"title": "VPN"}).status_code == 302
    # Staff are sent to their workspace.
    assert world.client_for(world.agent).get("/portal/kb/").status_code == 302
