"""/api/v1/im-apps and /api/v1/sms-providers: channel credentials (administrators only).

Secrets are write-only: answers say which are set (``secrets_set``), never their values; an empty
or missing secret on update keeps the stored one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.channels import im_apps
from gongdan.channels.models import SmsProvider
from gongdan.channels.sms import configure as sms
from gongdan.core.api_support import ERRORS, InputSchema

router = Router(tags=["channels"])

Text = Annotated[str, Field(max_length=200)]
Secret = Annotated[str, Field(max_length=500, description="Write-only.")]
VendorName = Literal["wecom", "dingtalk", "feishu"]


class ImAppOut(Schema):
    vendor: VendorName
    id: int
    code: str
    name: str
    corp_id: str | None = Field(description="WeCom only.")
    app_key: str | None = Field(description="DingTalk app key / Feishu App ID.")
    agent_id: int | None
    api_base_url: str
    is_active: bool
    secrets_set: dict[str, bool] = Field(description="Which secrets are stored (never values).")


class ImAppIn(InputSchema):
    vendor: VendorName
    code: Annotated[str, Field(max_length=50)]
    name: Annotated[str, Field(max_length=100)]
    corp_id: Text | None = None
    app_key: Text | None = None
    agent_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    api_base_url: Text | None = None
    is_active: bool = True
    secret: Secret | None = Field(default=None, description="WeCom app secret (write-only).")
    token: Secret | None = Field(default=None, description="WeCom callback token (write-only).")
    encoding_aes_key: Secret | None = Field(default=None, description="WeCom (write-only).")
    app_secret: Secret | None = Field(default=None, description="DingTalk/Feishu (write-only).")


class ImAppPatch(InputSchema):
    """Only the fields sent change; an empty secret keeps the stored one."""

    code: Annotated[str, Field(max_length=50)] | None = None
    name: Annotated[str, Field(max_length=100)] | None = None
    corp_id: Text | None = None
    app_key: Text | None = None
    agent_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    api_base_url: Text | None = None
    is_active: bool | None = None
    secret: Secret | None = None
    token: Secret | None = None
    encoding_aes_key: Secret | None = None
    app_secret: Secret | None = None


def _app_out(row: im_apps.AppRow) -> dict[str, Any]:
    obj = row.obj
    return {
        "vendor": row.vendor,
        "id": obj.pk,
        "code": obj.code,
        "name": obj.name,
        "corp_id": getattr(obj, "corp_id", None),
        "app_key": getattr(obj, "app_key", None),
        "agent_id": obj.agent_id,
        "api_base_url": obj.api_base_url,
        "is_active": obj.is_active,
        "secrets_set": row.secrets_set(),
    }


@router.get("/im-apps", response={200: list[ImAppOut], **ERRORS}, operation_id="im_apps_list")
def im_apps_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every WeCom, DingTalk and Feishu app (secrets: only whether they are set)."""
    return [_app_out(r) for r in im_apps.im_app_list(user=api_user(request))]


@router.post("/im-apps", response={201: ImAppOut, **ERRORS}, operation_id="im_apps_create")
def im_apps_create(request: HttpRequest, payload: ImAppIn) -> Status:
    """A new app: 422 ``im_app.exists`` for a code in use, ``im_app.invalid`` otherwise."""
    values = payload.model_dump(exclude_none=True)
    row = im_apps.im_app_create(actor=api_user(request), **values)
    return Status(201, _app_out(row))


@router.patch(
    "/im-apps/{vendor}/{app_id}",
    response={200: ImAppOut, **ERRORS},
    operation_id="im_apps_update",
)
def im_apps_update(
    request: HttpRequest, vendor: VendorName, app_id: int, payload: ImAppPatch
) -> dict[str, Any]:
    """Change the fields sent; nothing is saved when a check fails."""
    actor = api_user(request)
    row = im_apps.im_app_get(user=actor, vendor=vendor, pk=app_id)
    values = payload.model_dump(exclude_unset=True)
    return _app_out(im_apps.im_app_update(actor=actor, row=row, **values))


# --- SMS providers -------------------------------------------------------------------------------
class SmsProviderOut(Schema):
    id: int
    name: str
    vendor: Literal["aliyun", "tencent"]
    key_id: str
    secret_set: bool = Field(description="Whether the key secret is stored (never its value).")
    sign_name: str
    template: str
    code_template: str
    app_id: str
    region: str
    endpoint: str
    is_active: bool
    last_test_ok: bool | None
    last_test_result: str

    @staticmethod
    def resolve_secret_set(obj: SmsProvider) -> bool:
        return bool(obj.key_secret)


class SmsProviderIn(InputSchema):
    name: Annotated[str, Field(max_length=100)]
    vendor: Literal["aliyun", "tencent"]
    key_id: Annotated[str, Field(max_length=100)]
    key_secret: Secret
    sign_name: Annotated[str, Field(max_length=50)]
    template: Annotated[str, Field(max_length=50)]
    code_template: Annotated[str, Field(max_length=50)] = ""
    app_id: Annotated[str, Field(max_length=50)] = ""
    region: Annotated[str, Field(max_length=50)] = ""
    endpoint: Text = ""
    is_active: bool = True


class SmsProviderPatch(InputSchema):
    name: Annotated[str, Field(max_length=100)] | None = None
    vendor: Literal["aliyun", "tencent"] | None = None
    key_id: Annotated[str, Field(max_length=100)] | None = None
    key_secret: Secret | None = None
    sign_name: Annotated[str, Field(max_length=50)] | None = None
    template: Annotated[str, Field(max_length=50)] | None = None
    code_template: Annotated[str, Field(max_length=50)] | None = None
    app_id: Annotated[str, Field(max_length=50)] | None = None
    region: Annotated[str, Field(max_length=50)] | None = None
    endpoint: Text | None = None
    is_active: bool | None = None


class SmsTestIn(InputSchema):
    mobile: Annotated[str, Field(max_length=20)]


class SmsTestOut(Schema):
    ok: bool
    result: str


@router.get(
    "/sms-providers",
    response={200: list[SmsProviderOut], **ERRORS},
    operation_id="sms_providers_list",
)
def sms_providers_list(request: HttpRequest) -> list[SmsProvider]:
    """Every SMS provider (the key secret: only whether it is set)."""
    return list(sms.provider_list(user=api_user(request)))


@router.post(
    "/sms-providers",
    response={201: SmsProviderOut, **ERRORS},
    operation_id="sms_providers_create",
)
def sms_providers_create(request: HttpRequest, payload: SmsProviderIn) -> Status[SmsProvider]:
    """A new provider: 422 ``sms_provider.exists`` for a name in use, ``sms_provider.invalid``."""
    return Status(201, sms.provider_create(actor=api_user(request), **payload.model_dump()))


@router.patch(
    "/sms-providers/{provider_id}",
    response={200: SmsProviderOut, **ERRORS},
    operation_id="sms_providers_update",
)
def sms_providers_update(
    request: HttpRequest, provider_id: int, payload: SmsProviderPatch
) -> SmsProvider:
    """Change the fields sent; an empty ``key_secret`` keeps the stored one."""
    actor = api_user(request)
    provider = sms.provider_get(user=actor, pk=provider_id)
    values = payload.model_dump(exclude_none=True)
    return sms.provider_update(actor=actor, provider=provider, **values)


@router.post(
    "/sms-providers/{provider_id}/test",
    response={200: SmsTestOut, **ERRORS},
    operation_id="sms_providers_test",
)
def sms_providers_test(request: HttpRequest, provider_id: int, payload: SmsTestIn) -> dict:
    """Send the notification template to ``mobile`` now; ``ok`` and what the provider said."""
    actor = api_user(request)
    provider = sms.provider_get(user=actor, pk=provider_id)
    ok, result = sms.provider_test_send(actor=actor, provider=provider, mobile=payload.mobile)
    return {"ok": ok, "result": result}
