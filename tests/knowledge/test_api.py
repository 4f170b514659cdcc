"""/api/v1/knowledge: create, update, workflow, revisions, restore, categories, feedback and
suggestions; bad input is a 4xx with a code, never a half-written row."""

from __future__ import annotations

import pytest

from gongdan.knowledge.models import Article, ArticleFeedback, Category
from gongdan.testing import World
from tests.knowledge.conftest import Kb

pytestmark = pytest.mark.django_db


def test_article_lifecycle_through_the_api(world: World, api) -> None:  # type: ignore[no-untyped-def]
    agent, sup = api.as_(world.agent), api.as_(world.supervisor)
    cat = sup.post("/knowledge/categories", {"name": "网络", "name_en": "Network"}).json()
    created = agent.post(
        "/knowledge/articles",
        {"title": "VPN 指南", "body": "**第一版**", "category": cat["id"], "tags": ["VPN"]},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    pk = body["id"]
    assert (body["status"], body["version"], body["tags"]) == ("draft", 1, ["VPN"])
    assert body["body_html"] == "<p><strong>第一版</strong></p>\n"

    updated = agent.patch(f"/knowledge/articles/{pk}", {"body": "第二版", "version": 1})
    assert (updated.status_code, updated.json()["version"]) == (200, 2)
    stale = agent.patch(f"/knowledge/articles/{pk}", {"body": "x", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "article.stale")

    assert agent.post(f"/knowledge/articles/{pk}/transition", {"to": "review"}).status_code == 200
    denied = agent.post(f"/knowledge/articles/{pk}/transition", {"to": "published"})
    assert (denied.status_code, denied.json()["code"]) == (403, "permission.denied")
    published = sup.post(f"/knowledge/articles/{pk}/transition", {"to": "published"})
    assert published.json()["status"] == "published"
    illegal = sup.post(f"/knowledge/articles/{pk}/transition", {"to": "review"})
    assert (illegal.status_code, illegal.json()["code"]) == (422, "article.illegal_transition")

    revisions = agent.get(f"/knowledge/articles/{pk}/revisions?old=1&new=2").json()
    assert [r["number"] for r in revisions["items"]] == [2, 1]
    assert {"kind": "+", "text": "第二版"} in revisions["diff"]
    assert {"kind": "-", "text": "**第一版**"} in revisions["diff"]
    # Published: the agent may no longer change the text; a reviewer may.
    refused = agent.post(f"/knowledge/articles/{pk}/restore", {"revision": 1})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")
    restored = sup.post(f"/knowledge/articles/{pk}/restore", {"revision": 1}).json()
    assert (restored["version"], restored["body"]) == (3, "**第一版**")

    variant = sup.post(
        "/knowledge/articles", {"title": "VPN guide", "language": "en", "variant_of": pk}
    ).json()
    assert agent.get(f"/knowledge/articles/{pk}").json()["variants"] == [variant["id"]]


def test_bad_input_is_a_clear_4xx(world: World, api) -> None:  # type: ignore[no-untyped-def]
    agent = api.as_(world.agent)
    empty = agent.post("/knowledge/articles", {"title": "  "})
    assert (empty.status_code, empty.json()["code"]) == (422, "article.invalid")
    assert empty.json()["fields"] == {"title": "Give the article a title."}
    unknown = agent.post("/knowledge/articles", {"title": "t", "category": 9999})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_reference")
    assert unknown.json()["fields"]["category"] == "Unknown or inaccessible id 9999."
    bad_visibility = agent.post("/knowledge/articles", {"title": "t", "visibility": "secret"})
    assert (bad_visibility.status_code, bad_visibility.json()["code"]) == (422, "validation_error")
    orgs = agent.post("/knowledge/articles", {"title": "t", "visibility": "organizations"})
    assert orgs.json()["fields"] == {
        "organizations": "List at least one organization that may read it."
    }
    foreign = agent.post("/knowledge/articles", {"title": "t", "team": world.field_team.pk})
    assert (foreign.status_code, foreign.json()["code"]) == (422, "article.foreign_team")
    assert Article.objects.count() == 0
    assert agent.get("/knowledge/articles/999").status_code == 404
    assert agent.post("/knowledge/articles/999/restore", {"revision": 1}).status_code == 404


def test_categories_are_managed_by_supervisors(world: World, api) -> None:  # type: ignore[no-untyped-def]
    sup = api.as_(world.supervisor)
    parent = sup.post("/knowledge/categories", {"name": "办公"}).json()
    child = sup.post("/knowledge/categories", {"name": "打印", "parent": parent["id"]}).json()
    cycle = sup.patch(f"/knowledge/categories/{parent['id']}", {"parent": child["id"]})
    assert (cycle.status_code, cycle.json()["code"]) == (422, "category.cycle")
    moved = sup.patch(f"/knowledge/categories/{child['id']}", {"position": 3, "name_en": "Print"})
    assert (moved.json()["position"], moved.json()["name_en"]) == (3, "Print")
    for outsider in (world.agent, world.customer):
        denied = api.as_(outsider).post("/knowledge/categories", {"name": "x"})
        assert denied.status_code == 403
        assert (
            api.as_(outsider)
            .patch(f"/knowledge/categories/{parent['id']}", {"name": "x"})
            .status_code
            == 403
        )
    assert Category.objects.filter(name="办公").count() == 1
    listed = api.as_(world.customer).get("/knowledge/categories").json()
    assert [c["name"] for c in listed] == ["办公", "打印"]
    assert sup.patch("/knowledge/categories/999", {"name": "x"}).status_code == 404


def test_feedback_and_suggest(world: World, kb: Kb, api) -> None:  # type: ignore[no-untyped-def]
    customer = api.as_(world.customer)
    pk = kb.demo["password"].pk
    first = customer.post(f"/knowledge/articles/{pk}/feedback", {"helpful": True, "comment": "好"})
    assert first.status_code == 201
    again = customer.post(f"/knowledge/articles/{pk}/feedback", {"helpful": False})
    assert (again.status_code, again.json()["code"]) == (409, "feedback.duplicate")
    assert ArticleFeedback.objects.count() == 1
    hidden = customer.post(f"/knowledge/articles/{kb.internal.pk}/feedback", {"helpful": True})
    assert hidden.status_code == 404
    items = customer.get("/knowledge/suggest?text=忘记密码").json()["items"]
    assert items[0]["id"] in {
        pk,
        *Article.objects.filter(group=kb.demo["password"].group).values_list("pk", flat=True),
    }
    assert items[0]["url"].startswith("/portal/kb/")
    assert customer.get(f"/knowledge/articles/{pk}/revisions").status_code == 403
    empty = customer.get("/knowledge/suggest?text=")
    assert empty.status_code == 422


def test_out_of_range_ids_are_not_found_not_errors(world: World, api) -> None:  # type: ignore[no-untyped-def]
    huge = 10**20
    sup = api.as_(world.supervisor)
    assert sup.get(f"/knowledge/articles/{huge}").status_code == 404
    assert sup.patch(f"/knowledge/categories/{huge}", {"name": "x"}).status_code == 404
    assert sup.post("/knowledge/articles", {"title": "t", "category": huge}).status_code == 422
    assert sup.get(f"/knowledge/articles?category={huge}").status_code == 422
    assert sup.post("/knowledge/articles/1/restore", {"revision": huge}).status_code == 422
    client = world.client_for(world.supervisor)
    assert client.get(f"/desk/knowledge/?category={huge}").status_code == 200
    assert client.get(f"/desk/knowledge/new/?variant_of={huge}").status_code == 200  # ignored
    assert world.client_for(world.customer).get(f"/portal/kb/?category={huge}").status_code == 200


def test_files_are_uploaded_listed_and_downloaded_by_who_may(world: World, api) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongdan.knowledge.models import ArticleFile

    agent, sup = api.as_(world.agent), api.as_(world.supervisor)
    payload = {"title": "打印机换粉盒", "body": "步骤", "visibility": "public"}
    pk = agent.post("/knowledge/articles", payload).json()["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16

    created = agent.upload(f"/knowledge/articles/{pk}/files", SimpleUploadedFile("粉盒.png", png))

    assert created.status_code == 201, created.json()
    item = ArticleFile.objects.get(article_id=pk)
    body = created.json()
    assert (body["name"], body["size"], body["is_image"]) == ("粉盒.png", 24, True)
    assert body["url"] == f"/api/v1/knowledge/files/{item.pk}"
    assert body["embed_url"] == f"/desk/knowledge/files/{item.pk}/"
    assert agent.get(f"/knowledge/articles/{pk}").json()["files"] == [body]
    download = agent.get(f"/knowledge/files/{item.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == png

    # Another team's agent may not add to it; a customer cannot read the draft or its file.
    other = api.as_(world.other_agent).upload(
        f"/knowledge/articles/{pk}/files", SimpleUploadedFile("x.png", png)
    )
    assert other.status_code in {403, 404}
    assert api.as_(world.customer).get(f"/knowledge/files/{item.pk}").status_code == 404
    bad = agent.upload(f"/knowledge/articles/{pk}/files", SimpleUploadedFile("run.exe", b"MZ"))
    assert (bad.status_code, bad.json()["code"]) == (422, "attachment.forbidden_type")
    assert ArticleFile.objects.filter(article_id=pk).count() == 1

    # Published and public: the customer reads the article and downloads its file.
    sup.post(f"/knowledge/articles/{pk}/transition", {"to": "published"})
    customer = api.as_(world.customer)
    assert customer.get(f"/knowledge/articles/{pk}").json()["files"][0]["id"] == item.pk
    assert customer.get(f"/knowledge/files/{item.pk}").status_code == 200
    assert customer.get("/knowledge/files/999999").status_code == 404


def test_a_file_gone_from_storage_is_a_404_not_an_error(world: World, api) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongdan.knowledge.models import ArticleFile

    agent = api.as_(world.agent)
    pk = agent.post("/knowledge/articles", {"title": "粉盒", "body": "步骤"}).json()["id"]
    agent.upload(f"/knowledge/articles/{pk}/files", SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    item = ArticleFile.objects.get(article_id=pk)
    item.file.storage.delete(item.file.name)

    gone = agent.get(f"/knowledge/files/{item.pk}")
    assert (gone.status_code, gone.json()["code"]) == (404, "attachment.missing")
    page = world.client_for(world.agent).get(f"/desk/knowledge/files/{item.pk}/")
    assert page.status_code == 404
