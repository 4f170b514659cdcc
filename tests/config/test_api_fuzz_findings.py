"""Inputs the API fuzzer (tests/config/test_api_fuzz.py) found answering 500, each pinned down here:
now a 4xx with a machine-readable code and a translated message, and nothing half-written."""

from __future__ import annotations

from gongdan.accounts.models import Skill, User
from gongdan.assignment.models import AssignmentRule
from gongdan.knowledge import services as kb_services
from gongdan.knowledge.choices import ArticleStatus, Visibility
from gongdan.knowledge.models import Article
from gongdan.testing import Api, World


def _published(world: World, **kw: object) -> Article:
    data = kb_services.ArticleData(title="打印机卡纸 Paper jam", body="打开后盖。", **kw)  # type: ignore[arg-type]
    article = kb_services.article_create(actor=world.supervisor, data=data)
    return kb_services.article_transition(
        actor=world.supervisor, article=article, to=ArticleStatus.PUBLISHED
    )


# --- users_create ----------------------------------------------------------------------------
def test_users_create_with_an_invalid_login_name_is_a_422(world: World, api: Api) -> None:
    users_before = User.objects.count()

    response = api.as_(world.admin).post("/users", {"username": "bad name!", "role": "agent"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "user.invalid"
    assert set(body["fields"]) == {"username"}
    assert body["fields"]["username"].startswith("Enter a valid username.")
    assert User.objects.count() == users_before


def test_users_create_messages_are_translated(world: World, api: Api) -> None:
    world.admin.language = "zh-hans"
    world.admin.save(update_fields=["language"])

    response = api.as_(world.admin).post("/users", {"username": "bad name!", "role": "agent"})

    assert response.status_code == 422
    assert response.json()["message"] == (
        "请输入合法的用户名。只能包含英文字母、数字、特殊字符“@”、“.”、“-”和“_”。"
    )


def test_users_create_with_an_invalid_email_is_a_422_on_that_field(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(
        "/users", {"username": "wang", "role": "agent", "email": "not-an-address"}
    )

    assert (response.status_code, response.json()["code"]) == (422, "user.invalid")
    assert set(response.json()["fields"]) == {"email"}
    assert not User.objects.filter(username="wang").exists()


# --- knowledge_articles_update ----------------------------------------------------------------
def test_knowledge_articles_update_with_null_organizations_clears_them(
    world: World, api: Api
) -> None:
    article = _published(world, visibility=Visibility.PUBLIC)

    response = api.as_(world.supervisor).patch(
        f"/knowledge/articles/{article.pk}", {"organizations": None}
    )

    assert response.status_code == 200
    assert response.json()["organization_ids"] == []


def test_knowledge_articles_update_null_organizations_on_a_restricted_article_is_a_422(
    world: World, api: Api
) -> None:
    article = _published(world, visibility=Visibility.ORGANIZATIONS, organizations=[world.acme])

    response = api.as_(world.supervisor).patch(
        f"/knowledge/articles/{article.pk}", {"organizations": None}
    )

    assert (response.status_code, response.json()["code"]) == (422, "article.invalid")
    assert set(response.json()["fields"]) == {"organizations"}
    assert list(Article.objects.get(pk=article.pk).organizations.all()) == [world.acme]


def test_a_customer_sending_null_organizations_is_refused_and_nothing_changes(
    world: World, api: Api
) -> None:
    article = _published(world, visibility=Visibility.PUBLIC)

    response = api.as_(world.customer).patch(
        f"/knowledge/articles/{article.pk}", {"organizations": None, "title": "hijacked"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.title, fresh.version) == ("打印机卡纸 Paper jam", article.version)


# --- assignment_rules_update ------------------------------------------------------------------
def test_assignment_rules_update_with_a_skill_without_level_takes_level_one(
    world: World, api: Api
) -> None:
    Skill.objects.create(code="printer", name="打印机")
    rule = AssignmentRule.objects.create(name="IT")

    response = api.as_(world.admin).patch(
        f"/assignment/rules/{rule.pk}", {"skills": [{"skill": "printer"}]}
    )

    assert response.status_code == 200
    assert response.json()["skills"] == [{"skill": "printer", "min_level": 1}]


def test_assignment_rules_update_with_an_unknown_skill_without_level_is_a_422(
    world: World, api: Api
) -> None:
    rule = AssignmentRule.objects.create(name="IT")

    response = api.as_(world.admin).patch(
        f"/assignment/rules/{rule.pk}", {"skills": [{"skill": "飞行"}]}
    )

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"skills.0.skill": "Unknown skill “飞行”."},
    )
    assert not AssignmentRule.objects.get(pk=rule.pk).skills.exists()


def test_assignment_rules_update_with_null_is_active_or_position_is_a_422(
    world: World, api: Api
) -> None:
    rule = AssignmentRule.objects.create(name="IT", position=7)

    inactive = api.as_(world.admin).patch(f"/assignment/rules/{rule.pk}", {"is_active": None})
    position = api.as_(world.admin).patch(
        f"/assignment/rules/{rule.pk}", {"position": None, "name": "renamed"}
    )

    assert (inactive.status_code, inactive.json()["fields"]) == (
        422,
        {"is_active": "This field is required."},
    )
    assert (position.status_code, position.json()["fields"]) == (
        422,
        {"position": "This field is required."},
    )
    fresh = AssignmentRule.objects.get(pk=rule.pk)
    assert (fresh.name, fresh.position, fresh.is_active) == ("IT", 7, True)


# --- downloads declare the type they send -----------------------------------------------------
def _download_types(operation_id: str) -> list[str]:
    from django.test import Client

    spec = Client().get("/api/v1/openapi.json").json()
    for operations in spec["paths"].values():
        for operation in operations.values():
            if operation["operationId"] == operation_id:
                return list(operation["responses"]["200"]["content"])
    raise AssertionError(operation_id)


def test_attachment_downloads_declare_any_type_and_send_the_file_s_own(
    world: World, api: Api
) -> None:
    from gongdan.testing import upload
    from gongdan.tickets import services

    ticket = world.ticket()
    attachment = services.attachment_add(
        actor=world.customer, ticket=ticket, upload=upload("报告.pdf")
    )

    response = api.as_(world.customer).get(f"/attachments/{attachment.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _download_types("attachments_download") == ["*/*"]


def test_knowledge_file_downloads_declare_any_type_and_send_the_file_s_own(
    world: World, api: Api
) -> None:
    from gongdan.testing import upload

    article = _published(world, visibility=Visibility.PUBLIC)
    image = kb_services.file_add(
        actor=world.supervisor,
        article=article,
        upload=upload("图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png"),
    )

    response = api.as_(world.customer).get(f"/knowledge/files/{image.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert _download_types("knowledge_files_download") == ["*/*"]


# --- the safety net ---------------------------------------------------------------------------
def test_a_model_validation_error_a_service_let_through_is_a_422_not_a_500(
    world: World, api: Api, monkeypatch: object
) -> None:
    from django.core.exceptions import ValidationError

    from gongdan.accounts import services

    def unconverted(**_kw: object) -> None:
        raise ValidationError({"display_name": ["Too odd."]})

    monkeypatch.setattr(services, "user_create", unconverted)  # type: ignore[attr-defined]

    response = api.as_(world.admin).post("/users", {"username": "wang", "role": "agent"})

    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Please correct the highlighted fields.",
        "fields": {"display_name": "Too odd."},
    }


# --- NUL characters inside lists (PostgreSQL: DataError) ----------------------------------------
def test_a_nul_character_inside_a_list_of_strings_is_a_422_and_nothing_is_saved(
    world: World, api: Api
) -> None:
    articles_before = Article.objects.count()

    response = api.as_(world.supervisor).post(
        "/knowledge/articles", {"title": "打印机卡纸", "body": "打开后盖。", "tags": ["驱动\x00"]}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert Article.objects.count() == articles_before
