"""Settings → Web forms, IM apps and SMS providers: services, pages, API, outsiders, secrets."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from gongdan.audit.models import AuditEvent
from gongdan.channels import im_apps
from gongdan.channels.models import ImApp, SmsProvider, WebForm, WecomApp
from gongdan.channels.sms import configure as sms
from gongdan.channels.sms.transport import AliyunSms, configured_provider
from gongdan.channels.webform import configure as webforms
from gongdan.core.errors import ValidationFailed
from gongdan.core.models import OutboxEvent
from gongdan.notifications import services as notifications
from gongdan.testing import Api, World
from tests.channels.conftest import Server
from tests.channels.test_sms import KEY_ID, SECRET, FakeAliyun

AES_KEY = base64.b64encode(b"k" * 32).decode().rstrip("=")  # 43 characters
WECOM_SECRET, DING_SECRET, TOKEN = "wecom-app-secret-4711", "ding-secret-0815", "cb-token-42"
SECRETS = (WECOM_SECRET, DING_SECRET, TOKEN, AES_KEY, SECRET)


@pytest.fixture(autouse=True)
def _live_channels_restored() -> Iterator[None]:
    """Saving an active SMS provider switches the SMS channel on in this process: undo it."""
    before = dict(notifications._channels)
    yield
    notifications._channels.clear()
    notifications._channels.update(before)


def no_secret_in(content: bytes | str) -> bool:
    text = content.decode() if isinstance(content, bytes) else content
    return not any(s in text for s in SECRETS)


def webform_state() -> list[Any]:
    return list(WebForm.objects.values_list("name", "allowed_origins", "team").order_by("id"))


def app_state() -> list[Any]:
    return [
        list(WecomApp.objects.values_list("code", "name", "corp_id").order_by("id")),
        list(ImApp.objects.values_list("code", "name", "app_key").order_by("id")),
        [(a.code, a.secret, a.token) for a in WecomApp.objects.order_by("id")],
        [(a.code, a.app_secret) for a in ImApp.objects.order_by("id")],
    ]


def sms_state() -> list[Any]:
    return [
        (p.name, p.key_id, p.key_secret, p.is_active) for p in SmsProvider.objects.order_by("id")
    ]


# --- web forms -----------------------------------------------------------------------------------
@pytest.fixture
def site_form(world: World) -> WebForm:
    return webforms.webform_create(
        actor=world.admin,
        name="官网报修",
        team=world.field_team,
        ticket_type=world.repair,
        allowed_origins="https://WWW.Acme.example/\nhttps://shop.acme.example:8443",
    )


def test_a_web_form_is_created_with_normalised_origins_audited(
    world: World, site_form: WebForm
) -> None:
    assert site_form.origins() == ["https://www.acme.example", "https://shop.acme.example:8443"]
    assert AuditEvent.objects.filter(action="webform.created").exists()
    assert OutboxEvent.objects.filter(event_type="webform.created").exists()
    snippet = webforms.embed_snippet(site_form)
    assert snippet.startswith('<iframe src="http://') and f"/channels/webform/{site_form.key}/" in (
        snippet
    )
    assert "<script" not in snippet and "style=" not in snippet


@pytest.mark.parametrize(
    "origin",
    [
        "https://acme.example/path",
        "ftp://acme.example",
        "https://acme.example; script-src *",
        "https://*.acme.example",
        "javascript:alert(1)",
        "https://user@acme.example",
    ],
)
def test_a_bad_origin_is_refused_and_nothing_saved(
    world: World, site_form: WebForm, origin: str
) -> None:
    before = webform_state()

    with pytest.raises(ValidationFailed) as caught:
        webforms.webform_update(actor=world.admin, form=site_form, allowed_origins=origin)

    assert caught.value.code == "webform.bad_origin" and webform_state() == before


def test_the_web_form_pages(world: World, site_form: WebForm) -> None:
    client = world.client_for(world.admin)
    listed = client.get("/desk/settings/web-forms/")
    page = client.get(f"/desk/settings/web-forms/{site_form.pk}/")

    assert listed.status_code == 200 and b"data-webform=" in listed.content
    assert page.status_code == 200
    assert (
        b"&lt;iframe src=" in page.content and b'data-copy-target="embed-snippet"' in page.content
    )

    created = client.post(
        "/desk/settings/web-forms/new/",
        {
            "name": "售后",
            "ticket_type": str(world.incident.pk),
            "allowed_origins": "",
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    assert WebForm.objects.filter(name="售后", ticket_type=world.incident).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "官网报修"}, "已有同名的网页表单。"),
        ({"name": "新", "allowed_origins": "https://a.example/x"}, "不是来源"),
    ],
)
def test_bad_web_form_input_on_the_page_is_422(
    world: World, site_form: WebForm, data: dict[str, str], message: str
) -> None:
    client = world.client_for(world.admin)
    before = webform_state()

    response = client.post("/desk/settings/web-forms/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 422 and message in response.content.decode()
    assert webform_state() == before


def test_the_web_form_api(world: World, api: Api, site_form: WebForm) -> None:
    admin = api.as_(world.admin)

    created = admin.post(
        "/webforms",
        {"name": "API 表单", "team": world.it_team.pk, "allowed_origins": ["https://x.example"]},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["allowed_origins"] == ["https://x.example"] and "<iframe" in body["embed_snippet"]
    changed = admin.patch(f"/webforms/{body['id']}", {"team": None, "is_active": False})
    assert changed.status_code == 200 and changed.json()["team"] is None
    assert [f["name"] for f in admin.get("/webforms").json()] == ["API 表单", "官网报修"]
    duplicate = admin.post("/webforms", {"name": "官网报修"})
    assert duplicate.status_code == 422 and duplicate.json()["code"] == "webform.exists"
    bad = admin.post("/webforms", {"name": "Z", "allowed_origins": ["http://a b"]})
    assert bad.status_code == 422 and bad.json()["code"] == "webform.bad_origin"


# --- IM apps -------------------------------------------------------------------------------------
@pytest.fixture
def apps(world: World) -> tuple[im_apps.AppRow, im_apps.AppRow]:
    wecom = im_apps.im_app_create(
        actor=world.admin,
        vendor="wecom",
        code="wecom-main",
        name="企业微信",
        corp_id="ww123",
        agent_id=1000002,
        secret=WECOM_SECRET,
        token=TOKEN,
        encoding_aes_key=AES_KEY,
    )
    ding = im_apps.im_app_create(
        actor=world.admin,
        vendor="dingtalk",
        code="ding",
        name="钉钉",
        app_key="dingkey",
        app_secret=DING_SECRET,
    )
    return wecom, ding


def test_im_apps_are_stored_encrypted_and_listed_without_secrets(
    world: World, apps: Any, api: Api
) -> None:
    wecom, _ding = apps
    assert WecomApp.objects.get(pk=wecom.pk).secret == WECOM_SECRET
    client = world.client_for(world.admin)
    listed = client.get("/desk/settings/im-apps/")
    edit = client.get(f"/desk/settings/im-apps/wecom/{wecom.pk}/")
    answer = api.as_(world.admin).get("/im-apps")

    assert listed.status_code == edit.status_code == answer.status_code == 200
    assert no_secret_in(listed.content) and no_secret_in(edit.content)
    assert no_secret_in(answer.content)
    assert answer.json()[0]["secrets_set"] == {
        "secret": True,
        "token": True,
        "encoding_aes_key": True,
    }
    audit = "".join(str(e.data) for e in AuditEvent.objects.filter(action__startswith="im_app."))
    events = "".join(str(e.payload) for e in OutboxEvent.objects.all())
    assert no_secret_in(audit) and no_secret_in(events)


def test_an_empty_secret_keeps_the_stored_one_and_a_new_one_replaces_it(
    world: World, apps: Any
) -> None:
    _wecom, ding = apps
    client = world.client_for(world.admin)
    data = {
        "code": "ding",
        "name": "钉钉 2",
        "app_key": "dingkey",
        "app_secret": "",
        "is_active": "on",
    }

    assert client.post(f"/desk/settings/im-apps/dingtalk/{ding.pk}/", data).status_code == 302
    assert ImApp.objects.get(pk=ding.pk).app_secret == DING_SECRET
    data["app_secret"] = "brand-new-secret"
    client.post(f"/desk/settings/im-apps/dingtalk/{ding.pk}/", data)
    row = ImApp.objects.get(pk=ding.pk)
    assert (row.name, row.app_secret) == ("钉钉 2", "brand-new-secret")


def test_a_new_feishu_app_on_the_page(world: World) -> None:
    client = world.client_for(world.admin)
    assert client.get("/desk/settings/im-apps/feishu/new/").status_code == 200

    response = client.post(
        "/desk/settings/im-apps/feishu/new/",
        {
            "code": "fs",
            "name": "飞书",
            "app_key": "cli_x",
            "app_secret": "s" * 20,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert ImApp.objects.get(code="fs").vendor == "feishu"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"vendor": "feishu", "code": "wecom-main", "name": "x", "app_key": "k",
             "app_secret": "s"},
            "im_app.exists",
        ),
        ({"vendor": "dingtalk", "code": "d2", "name": "x", "app_key": "k"}, "im_app.invalid"),
        (
            {"vendor": "wecom", "code": "w2", "name": "x", "corp_id": "c", "token": "t",
             "encoding_aes_key": "short"},
            "im_app.invalid",
        ),
        (
            {"vendor": "feishu", "code": "f2", "name": "x", "app_key": "k", "app_secret": "s",
             "corp_id": "c"},
            "im_app.invalid",
        ),
    ],
)  # fmt: skip
def test_bad_im_app_input_is_422_and_nothing_saved(
    world: World, api: Api, apps: Any, body: dict[str, Any], code: str
) -> None:
    before = app_state()

    response = api.as_(world.admin).post("/im-apps", body)

    assert response.status_code == 422 and response.json()["code"] == code
    assert app_state() == before


def test_the_im_app_api_updates_without_echoing(world: World, api: Api, apps: Any) -> None:
    wecom, _ding = apps
    admin = api.as_(world.admin)

    response = admin.patch(f"/im-apps/wecom/{wecom.pk}", {"name": "企微", "secret": "changed-1234"})

    assert response.status_code == 200 and no_secret_in(response.content)
    assert "changed-1234" not in response.content.decode()
    row = WecomApp.objects.get(pk=wecom.pk)
    assert (row.name, row.secret, row.token) == ("企微", "changed-1234", TOKEN)
    assert admin.patch(f"/im-apps/dingtalk/{wecom.pk}", {"name": "x"}).status_code in (404, 200)


# --- SMS providers -------------------------------------------------------------------------------
@pytest.fixture
def aliyun_server(server: Server) -> FakeAliyun:
    fake = FakeAliyun()
    server.responder = fake
    return fake


@pytest.fixture
def provider(world: World, server: Server) -> SmsProvider:
    return sms.provider_create(
        actor=world.admin,
        name="阿里云",
        vendor="aliyun",
        key_id=KEY_ID,
        key_secret=SECRET,
        sign_name="工单服务",
        template="SMS_123",
        code_template="SMS_456",
        endpoint=server.url + "/",
    )


def test_the_configured_provider_comes_from_the_workspace(
    world: World, provider: SmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sms.provider_update(actor=world.admin, provider=provider, is_active=True)
    transport, code_template = configured_provider()

    assert "sms" in notifications.live_channels()  # switched on by the save, in this process

    assert isinstance(transport, AliyunSms) and transport.access_key_secret == SECRET
    assert code_template == "SMS_456"


def test_a_test_send_goes_through_the_provider_and_shows_the_result(
    world: World, provider: SmsProvider, aliyun_server: FakeAliyun, server: Server
) -> None:
    client = world.client_for(world.admin)

    response = client.post(
        f"/desk/settings/sms/{provider.pk}/test/", {"mobile": "13800138000"}, follow=True
    )

    assert response.status_code == 200
    assert server.seen and server.seen[-1].query["PhoneNumbers"] == "13800138000"
    provider.refresh_from_db()
    assert provider.last_test_ok is True
    assert "Sent." in response.content.decode() and no_secret_in(response.content)
    assert AuditEvent.objects.filter(action="sms_provider.tested").exists()


def test_a_refused_test_send_is_shown(
    world: World, provider: SmsProvider, aliyun_server: FakeAliyun, api: Api
) -> None:
    aliyun_server.code = "isv.BUSINESS_LIMIT_CONTROL"

    response = api.as_(world.admin).post(
        f"/sms-providers/{provider.pk}/test", {"mobile": "13800138000"}
    )

    assert response.status_code == 200
    assert response.json()["ok"] is False and "BUSINESS_LIMIT_CONTROL" in response.json()["result"]
    bad = api.as_(world.admin).post(f"/sms-providers/{provider.pk}/test", {"mobile": "12"})
    assert bad.status_code == 422 and bad.json()["code"] == "sms_provider.bad_mobile"


def test_the_sms_pages_and_api_never_show_the_secret(
    world: World, provider: SmsProvider, api: Api
) -> None:
    client = world.client_for(world.admin)
    pages = [client.get("/desk/settings/sms/"), client.get(f"/desk/settings/sms/{provider.pk}/")]
    answer = api.as_(world.admin).get("/sms-providers")

    assert all(p.status_code == 200 and no_secret_in(p.content) for p in pages)
    assert answer.json()[0]["secret_set"] is True and no_secret_in(answer.content)


def test_an_sms_update_keeps_the_secret_and_checks_input(
    world: World, provider: SmsProvider, api: Api
) -> None:
    admin = api.as_(world.admin)

    assert admin.patch(f"/sms-providers/{provider.pk}", {"sign_name": "新签名"}).status_code == 200
    provider.refresh_from_db()
    assert (provider.sign_name, provider.key_secret) == ("新签名", SECRET)
    before = sms_state()
    tencent = admin.patch(f"/sms-providers/{provider.pk}", {"vendor": "tencent"})
    assert tencent.status_code == 422 and "app_id" in tencent.json()["fields"]
    duplicate = admin.post(
        "/sms-providers",
        {"name": "阿里云", "vendor": "aliyun", "key_id": "k", "key_secret": "s",
         "sign_name": "x", "template": "t"},
    )  # fmt: skip
    assert duplicate.status_code == 422 and duplicate.json()["code"] == "sms_provider.exists"
    assert sms_state() == before


def test_a_new_sms_provider_on_the_page(world: World) -> None:
    client = world.client_for(world.admin)
    data = {
        "name": "腾讯云",
        "vendor": "tencent",
        "key_id": "AKID",
        "key_secret": "tencent-secret-xyz",
        "sign_name": "工单",
        "template": "100200",
        "app_id": "1400000000",
        "is_active": "on",
    }

    response = client.post("/desk/settings/sms/new/", data)

    assert response.status_code == 302
    assert SmsProvider.objects.get(name="腾讯云").key_secret == "tencent-secret-xyz"


# --- outsiders -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["supervisor", "agent", "customer"])
def test_only_admins_reach_channel_settings(
    world: World, api: Api, site_form: WebForm, apps: Any, provider: SmsProvider, who: str
) -> None:
    user = getattr(world, who)
    client, caller = world.client_for(user), api.as_(user)
    wecom, _ding = apps
    before = [webform_state(), app_state(), sms_state()]

    for url in (
        "/desk/settings/web-forms/",
        f"/desk/settings/web-forms/{site_form.pk}/",
        "/desk/settings/im-apps/",
        f"/desk/settings/im-apps/wecom/{wecom.pk}/",
        "/desk/settings/sms/",
        f"/desk/settings/sms/{provider.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/desk/settings/web-forms/{site_form.pk}/", {"name": "x"}).status_code == 403
    )
    mobile = {"mobile": "13800138000"}
    assert client.post(f"/desk/settings/sms/{provider.pk}/test/", mobile).status_code == 403
    for path in ("/webforms", "/im-apps", "/sms-providers"):
        assert caller.get(path).status_code == 403
    assert caller.post("/webforms", {"name": "x"}).status_code == 403
    assert caller.patch(f"/webforms/{site_form.pk}", {"name": "x"}).status_code == 403
    assert caller.patch(f"/im-apps/wecom/{wecom.pk}", {"name": "x"}).status_code == 403
    assert caller.patch(f"/sms-providers/{provider.pk}", {"name": "x"}).status_code == 403
    assert caller.post(f"/sms-providers/{provider.pk}/test", mobile).status_code == 403
    assert [webform_state(), app_state(), sms_state()] == before


def test_the_lists_cost_a_fixed_number_of_queries(
    world: World, site_form: WebForm, apps: Any, provider: SmsProvider, api: Api,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    for n in range(5):
        webforms.webform_create(actor=world.admin, name=f"F{n}", team=world.it_team)
        im_apps.im_app_create(
            actor=world.admin, vendor="feishu", code=f"f{n}", name="F", app_key="k", app_secret="s"
        )
    client = world.client_for(world.admin)
    for url in ("/desk/settings/web-forms/", "/desk/settings/im-apps/", "/desk/settings/sms/"):
        client.get(url)
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
    caller = api.as_(world.admin)
    for path in ("/webforms", "/im-apps", "/sms-providers"):
        caller.get(path)
        with django_assert_max_num_queries(8):
            assert caller.get(path).status_code == 200
