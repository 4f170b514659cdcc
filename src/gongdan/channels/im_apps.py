"""WeCom, DingTalk and Feishu self-built apps as administrators configure them (Settings → IM
apps, ``im_apps_*`` API).

WeCom apps are ``WecomApp`` rows (callback token and EncodingAESKey, corp ID, app secret);
DingTalk and Feishu apps are ``ImApp`` rows (app key / App ID and app secret). Both are shown as
one list, each app named by its vendor and id. Secrets are write-only: they are stored encrypted,
never returned (pages and the API say whether one is set), and an empty secret on update keeps
the stored one. Changing credentials drops the cached access token. Saves write the row, an
audit event and an outbox event (``im_app.created`` / ``im_app.updated``, no secret in either)
in one transaction.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.audit.changes import Change, ChangeKind, record
from gongdan.channels.choices import Vendor
from gongdan.channels.models import ImApp, WecomApp
from gongdan.channels.policies import require_channel_manager
from gongdan.core.errors import NotFound, ValidationFailed

CREATED = ChangeKind("im_app.created")
UPDATED = ChangeKind("im_app.updated")
CODE_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

# Per vendor: plain fields, secret fields (write-only), fields that must not be empty.
PLAIN = {
    Vendor.WECOM: ("code", "name", "corp_id", "agent_id", "api_base_url", "is_active"),
    Vendor.DINGTALK: ("code", "name", "app_key", "agent_id", "api_base_url", "is_active"),
    Vendor.FEISHU: ("code", "name", "app_key", "api_base_url", "is_active"),
}
SECRETS = {
    Vendor.WECOM: ("secret", "token", "encoding_aes_key"),
    Vendor.DINGTALK: ("app_secret",),
    Vendor.FEISHU: ("app_secret",),
}
REQUIRED = {
    Vendor.WECOM: ("code", "name", "corp_id", "token", "encoding_aes_key"),
    Vendor.DINGTALK: ("code", "name", "app_key", "app_secret"),
    Vendor.FEISHU: ("code", "name", "app_key", "app_secret"),
}
LIMITS = {"code": 50, "name": 100, "corp_id": 64, "app_key": 100, "api_base_url": 200}
SECRET_MAX = 500
WECOM_API = "https://qyapi.weixin.qq.com"
TOKEN_RESET = {"corp_id", "app_key", "secret", "app_secret", "api_base_url"}


@dataclass(frozen=True)
class AppRow:
    """One app of either table, as the list shows it (never with a secret)."""

    vendor: str
    obj: WecomApp | ImApp

    @property
    def pk(self) -> int:
        return self.obj.pk

    def secrets_set(self) -> dict[str, bool]:
        return {name: bool(getattr(self.obj, name)) for name in SECRETS[Vendor(self.vendor)]}

    @property
    def vendor_label(self) -> str:
        return str(Vendor(self.vendor).label)

    def secret_labels(self) -> list[tuple[str, bool]]:
        """(the field's translated name, whether it is set) of each secret, for pages."""
        meta = self.obj._meta
        return [
            (str(getattr(meta.get_field(name), "verbose_name", name)), is_set)
            for name, is_set in self.secrets_set().items()
        ]

    def public(self) -> dict[str, Any]:
        return {name: getattr(self.obj, name, None) for name in PLAIN[Vendor(self.vendor)]}


def _vendor(vendor: str) -> Vendor:
    if vendor not in Vendor.values:
        message = _("Choose WeCom, DingTalk or Feishu.")
        raise ValidationFailed("im_app.invalid", message, fields={"vendor": message})
    return Vendor(vendor)


def im_app_list(*, user: User) -> list[AppRow]:
    """Every app, WeCom first, then DingTalk and Feishu (two queries)."""
    require_channel_manager(user)
    rows = [AppRow(Vendor.WECOM, app) for app in WecomApp.objects.order_by("name", "id")]
    rows += [AppRow(app.vendor, app) for app in ImApp.objects.order_by("vendor", "name", "id")]
    return rows


def im_app_get(*, user: User, vendor: str, pk: int) -> AppRow:
    require_channel_manager(user)
    if vendor == Vendor.WECOM:
        obj: WecomApp | ImApp | None = WecomApp.objects.filter(pk=pk).first()
    else:
        obj = ImApp.objects.filter(pk=pk, vendor=vendor).first()
    if obj is None:
        raise NotFound("im_app.not_found", _("IM app not found."))
    return AppRow(vendor, obj)


def _missing(vendor: Vendor, values: dict[str, Any], current: Model | None) -> dict[str, str]:
    """Required fields left empty (a stored secret counts as given)."""
    errors: dict[str, str] = {}
    for name in REQUIRED[vendor]:
        stored = current is not None and bool(getattr(current, name, ""))
        given = bool(values[name]) if name in values else stored
        if not given and not (name in SECRETS[vendor] and stored):
            errors[name] = _("This field is required.")
    return errors


def _too_long(vendor: Vendor, values: dict[str, Any]) -> dict[str, str]:
    limits = {**LIMITS, **dict.fromkeys(SECRETS[vendor], SECRET_MAX)}
    return {
        name: _("Ensure this value has at most %(max)d characters.") % {"max": limit}
        for name, limit in limits.items()
        if len(str(values.get(name) or "")) > limit
    }


def _malformed(vendor: Vendor, values: dict[str, Any], current: Model | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = str(values.get("code") or "")
    if code and not set(code) <= CODE_CHARS:
        errors["code"] = _("Use letters, digits, hyphens or underscores.")
    elif code and _code_taken(code, current):
        errors["code"] = _("Another IM app already has this code.")
    agent_id = values.get("agent_id")
    if agent_id is not None and (
        isinstance(agent_id, bool) or not isinstance(agent_id, int) or not 0 < agent_id < 2**62
    ):
        errors["agent_id"] = _("Enter a positive whole number.")
    if values.get("api_base_url"):
        try:
            URLValidator(schemes=["https", "http"])(values["api_base_url"])
        except ValidationError:
            errors["api_base_url"] = _("Enter an http:// or https:// URL.")
    aes_key = values.get("encoding_aes_key")
    if vendor == Vendor.WECOM and aes_key and not _valid_aes_key(aes_key):
        errors["encoding_aes_key"] = _("The EncodingAESKey has 43 letters and digits.")
    return errors


def _check(vendor: Vendor, values: dict[str, Any], current: Model | None) -> None:
    errors = {
        **_malformed(vendor, values, current),
        **_too_long(vendor, values),
        **_missing(vendor, values, current),
    }
    if errors:
        taken = errors.get("code") == _("Another IM app already has this code.")
        code_name = "im_app.exists" if taken else "im_app.invalid"
        raise ValidationFailed(code_name, next(iter(errors.values())), fields=errors)


def _valid_aes_key(value: str) -> bool:
    if len(value) != 43:
        return False
    try:
        return len(base64.b64decode(value + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _code_taken(code: str, current: Model | None) -> bool:
    wecom = WecomApp.objects.filter(code=code)
    other = ImApp.objects.filter(code=code)
    if isinstance(current, WecomApp):
        wecom = wecom.exclude(pk=current.pk)
    elif isinstance(current, ImApp):
        other = other.exclude(pk=current.pk)
    return wecom.exists() or other.exists()


def _clean(vendor: Vendor, values: dict[str, Any]) -> dict[str, Any]:
    allowed = set(PLAIN[vendor]) | set(SECRETS[vendor])
    unknown = sorted(k for k, v in values.items() if k not in allowed and v not in (None, ""))
    if unknown:
        message = _("This field does not apply to this vendor.")
        raise ValidationFailed("im_app.invalid", message, fields=dict.fromkeys(unknown, message))
    cleaned = {}
    for key, value in values.items():
        if key not in allowed:
            continue
        cleaned[key] = value.strip() if isinstance(value, str) else value
    return cleaned


def _payload(row: AppRow, **extra: Any) -> dict[str, Any]:
    public = row.public()
    ids = {"vendor": row.vendor, "app": row.pk, "code": public["code"], "name": public["name"]}
    return ids | extra


def im_app_create(*, actor: User, vendor: str, **values: Any) -> AppRow:
    """A new app of ``vendor`` with its credentials; 422 ``im_app.exists`` for a code in use,
    ``im_app.invalid`` for missing or malformed fields."""
    require_channel_manager(actor)
    kind = _vendor(vendor)
    values = _clean(kind, values)
    _check(kind, values, None)
    values = {k: v for k, v in values.items() if v is not None}
    if kind == Vendor.WECOM and not values.get("api_base_url"):
        values["api_base_url"] = WECOM_API
    values.setdefault("api_base_url", "")
    with transaction.atomic():
        if kind == Vendor.WECOM:
            obj: WecomApp | ImApp = WecomApp.objects.create(**values)
        else:
            obj = ImApp.objects.create(vendor=kind, **values)
        row = AppRow(kind, obj)
        record(Change(CREATED, obj, actor, payload=_payload(row)))
    return row


def im_app_update(*, actor: User, row: AppRow, **values: Any) -> AppRow:
    """Change the fields given; an empty or missing secret keeps the stored one. Nothing is
    saved when a check fails."""
    require_channel_manager(actor)
    kind = Vendor(row.vendor)
    values = _clean(kind, values)
    secrets = {k: v for k, v in values.items() if k in SECRETS[kind] and v}
    plain = {k: v for k, v in values.items() if k in PLAIN[kind]}
    for name in ("code", "name", "corp_id", "app_key"):
        if name in plain and plain[name] is None:
            plain[name] = ""
    if "is_active" in plain and plain["is_active"] is None:
        del plain["is_active"]
    _check(kind, {**plain, **secrets}, row.obj)
    if "api_base_url" in plain and not plain["api_base_url"]:
        plain["api_base_url"] = WECOM_API if kind == Vendor.WECOM else ""
    changed = sorted(k for k, v in plain.items() if getattr(row.obj, k) != v)
    with transaction.atomic():
        for key, value in {**plain, **secrets}.items():
            setattr(row.obj, key, value)
        if TOKEN_RESET & {*changed, *secrets}:
            row.obj.access_token, row.obj.token_expires_at = "", None
        row.obj.save()
        payload = _payload(row, changed=changed, secrets_replaced=sorted(secrets))
        record(Change(UPDATED, row.obj, actor, payload=payload))
    return row
