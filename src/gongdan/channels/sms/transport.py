"""SMS providers behind one interface: ``provider.send(mobile, params)`` raises ``ChannelError``.

Chinese SMS is template-based: the signature (签名) and template are approved by the vendor in
advance; gongdan fills the template's named variables (Aliyun ``${name}``), or in the same order
Tencent's numbered ``{1}``, ``{2}``: ``number`` and ``text`` for notifications, ``code`` for a
portal lookup code.

- **Aliyun** Dysmsapi ``SendSms`` (version 2017-05-25), RPC signature v1: every parameter
  except ``Signature`` percent-encoded (RFC 3986: space ``%20``, ``*`` ``%2A``, ``~`` kept),
  sorted by name, joined ``k=v&…``; ``StringToSign = "GET&%2F&" + encode(canonical)``; ``Signature =
  base64(HMAC-SHA1(secret + "&", StringToSign))``. Success is ``{"Code": "OK"}``.
- **Tencent Cloud** SMS ``SendSms`` (API 3.0, version 2021-01-11), TC3-HMAC-SHA256: the
  canonical request is method, ``/``, empty query, the headers ``content-type``, ``host`` and
  ``x-tc-action`` (lower-cased value) each as ``name:value\n``, their names joined by ``;`` and
  hex(SHA-256(body)), one per line; the string to sign is ``TC3-HMAC-SHA256``, the timestamp,
  ``<UTC date>/sms/tc3_request`` and hex(SHA-256(canonical request)), one per line; the key is
  the HMAC-SHA256 chain ``"TC3"+secret`` → date → ``sms`` → ``tc3_request``. Success is a
  ``SendStatusSet`` whose entries all have ``Code == "Ok"``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from django.conf import settings

from gongdan.channels.http import ChannelError, HttpResult, request
from gongdan.channels.models import SmsProvider as SmsProviderRow

ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
TENCENT_ENDPOINT = "https://sms.tencentcloudapi.com/"
TEXT_MAX = 35  # Aliyun's limit for one template variable


class SmsProvider(Protocol):
    def send(self, mobile: str, params: dict[str, str], *, template: str = "") -> None: ...


def _answer(result: HttpResult) -> dict[str, object]:
    if not result.ok:
        raise ChannelError(result.describe())
    return result.json()


def aliyun_encode(value: str) -> str:
    return urllib.parse.quote(value, safe="~")


def aliyun_signature(secret: str, params: dict[str, str], method: str = "GET") -> str:
    canonical = "&".join(f"{aliyun_encode(k)}={aliyun_encode(params[k])}" for k in sorted(params))
    string_to_sign = f"{method}&{aliyun_encode('/')}&{aliyun_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class AliyunSms:
    access_key_id: str
    access_key_secret: str
    sign_name: str
    template_code: str
    endpoint: str = ALIYUN_ENDPOINT

    def query(
        self, mobile: str, params: dict[str, str], *, nonce: str, timestamp: str, template: str = ""
    ) -> str:
        values = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": mobile,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "TemplateCode": template or self.template_code,
            "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": timestamp,
            "Version": "2017-05-25",
        }
        signature = aliyun_signature(self.access_key_secret, values)
        canonical = "&".join(
            f"{aliyun_encode(k)}={aliyun_encode(values[k])}" for k in sorted(values)
        )
        return f"Signature={aliyun_encode(signature)}&{canonical}"

    def send(self, mobile: str, params: dict[str, str], *, template: str = "") -> None:
        timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        nonce = uuid.uuid4().hex
        query = self.query(mobile, params, nonce=nonce, timestamp=timestamp, template=template)
        data = _answer(request("GET", f"{self.endpoint.rstrip('/')}/?{query}"))
        if data.get("Code") != "OK":
            raise ChannelError(f"Code={data.get('Code')!r}: {str(data.get('Message'))[:200]}")


def _hmac256(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tencent_authorization(
    *, secret_id: str, secret_key: str, host: str, body: bytes, timestamp: int, action: str
) -> str:
    content_type = "application/json; charset=utf-8"
    canonical_request = (
        f"POST\n/\n\ncontent-type:{content_type}\nhost:{host}\nx-tc-action:{action.lower()}\n\n"
        f"content-type;host;x-tc-action\n{hashlib.sha256(body).hexdigest()}"
    )
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/sms/tc3_request"
    string_to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n"
        f"{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    )
    key = _hmac256(_hmac256(_hmac256(f"TC3{secret_key}".encode(), date), "sms"), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host;x-tc-action, Signature={signature}"
    )


@dataclass(frozen=True)
class TencentSms:
    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    template_id: str
    region: str = "ap-guangzhou"
    endpoint: str = TENCENT_ENDPOINT

    def send(self, mobile: str, params: dict[str, str], *, template: str = "") -> None:
        payload = {
            "PhoneNumberSet": [mobile if mobile.startswith("+") else f"+86{mobile}"],
            "SmsSdkAppId": self.sdk_app_id,
            "SignName": self.sign_name,
            "TemplateId": template or self.template_id,
            "TemplateParamSet": list(params.values()),  # in order: {1}, {2}, …
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        host = urllib.parse.urlsplit(self.endpoint).netloc
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.region,
            "Authorization": tencent_authorization(
                secret_id=self.secret_id,
                secret_key=self.secret_key,
                host=host,
                body=body,
                timestamp=timestamp,
                action="SendSms",
            ),
        }
        answer = _answer(request("POST", self.endpoint, body=body, headers=headers))
        response = answer.get("Response")
        response = response if isinstance(response, dict) else {}
        if "Error" in response:
            raise ChannelError(f"Error={json.dumps(response['Error'], ensure_ascii=False)[:200]}")
        statuses = response.get("SendStatusSet") or []
        if not statuses or any(s.get("Code") != "Ok" for s in statuses):
            raise ChannelError(f"SendStatusSet={json.dumps(statuses, ensure_ascii=False)[:200]}")


def provider_from_settings() -> SmsProvider | None:
    """The configured provider (``GONGDAN_SMS_PROVIDER`` = ``aliyun`` or ``tencent``), or None."""
    kind = settings.GONGDAN_SMS_PROVIDER
    key_id, secret = settings.GONGDAN_SMS_KEY_ID, settings.GONGDAN_SMS_KEY_SECRET
    sign, template = settings.GONGDAN_SMS_SIGN_NAME, settings.GONGDAN_SMS_TEMPLATE
    if not (key_id and secret and sign and template):
        return None
    if kind == "aliyun":
        return AliyunSms(
            key_id, secret, sign, template, settings.GONGDAN_SMS_ENDPOINT or ALIYUN_ENDPOINT
        )
    if kind == "tencent" and settings.GONGDAN_SMS_APP_ID:
        return TencentSms(
            key_id,
            secret,
            settings.GONGDAN_SMS_APP_ID,
            sign,
            template,
            settings.GONGDAN_SMS_REGION,
            settings.GONGDAN_SMS_ENDPOINT or TENCENT_ENDPOINT,
        )
    return None


def provider_for(row: SmsProviderRow) -> SmsProvider:
    """The transport of a provider configured in the workspace (``channels.SmsProvider``)."""
    if row.vendor == "tencent":
        return TencentSms(
            row.key_id,
            row.key_secret,
            row.app_id,
            row.sign_name,
            row.template,
            row.region or "ap-guangzhou",
            row.endpoint or TENCENT_ENDPOINT,
        )
    return AliyunSms(
        row.key_id, row.key_secret, row.sign_name, row.template, row.endpoint or ALIYUN_ENDPOINT
    )


def _active_row() -> SmsProviderRow | None:
    return SmsProviderRow.objects.filter(is_active=True).order_by("id").first()


def configured_provider() -> tuple[SmsProvider | None, str]:
    """The provider that sends now and its verification-code template: the first active
    provider configured in the workspace, else the ``GONGDAN_SMS_*`` settings (one query)."""
    row = _active_row()
    if row is not None:
        return provider_for(row), row.code_template
    return provider_from_settings(), settings.GONGDAN_SMS_CODE_TEMPLATE
