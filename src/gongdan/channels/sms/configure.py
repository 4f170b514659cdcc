"""SMS providers as administrators configure them (Settings → SMS providers), with a test send.

The access key secret is write-only: stored encrypted, never shown back (pages say "set"), kept
when an update leaves it empty. Saves write the row, an audit event and an outbox event
(``sms_provider.created`` / ``.updated``, never the secret) in one transaction. A test send goes
through the provider's real transport (signed as in production) to a number the administrator
types; its outcome is stored on the row, audited (``sms_provider.tested``) and shown.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User, mobile_validator
from gongdan.audit.changes import Change, ChangeKind, record
from gongdan.channels.choices import SmsVendor
from gongdan.channels.http import ChannelError
from gongdan.channels.models import SmsProvider
from gongdan.channels.policies import require_channel_manager
from gongdan.channels.sms.transport import provider_for
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.notifications.services import register_channel

CREATED = ChangeKind("sms_provider.created")
UPDATED = ChangeKind("sms_provider.updated")
TESTED = ChangeKind("sms_provider.tested")
FIELDS = (
    "name",
    "vendor",
    "key_id",
    "sign_name",
    "template",
    "code_template",
    "app_id",
    "region",
    "endpoint",
    "is_active",
)
LIMITS = {
    "name": 100,
    "key_id": 100,
    "key_secret": 500,
    "sign_name": 50,
    "template": 50,
    "code_template": 50,
    "app_id": 50,
    "region": 50,
    "endpoint": 200,
}
REQUIRED = ("name", "vendor", "key_id", "key_secret", "sign_name", "template")


def provider_list(*, user: User) -> QuerySet[SmsProvider]:
    require_channel_manager(user)
    return SmsProvider.objects.order_by("name", "id")


def provider_get(*, user: User, pk: int) -> SmsProvider:
    row = provider_list(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound("sms_provider.not_found", _("SMS provider not found."))
    return row


def _field_errors(values: dict[str, Any], merged: dict[str, Any], stored: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in REQUIRED:
        if not merged.get(name) and not (name == "key_secret" and stored):
            errors[name] = _("This field is required.")
    for name, limit in LIMITS.items():
        if len(str(values.get(name) or "")) > limit:
            errors[name] = _("Ensure this value has at most %(max)d characters.") % {"max": limit}
    if merged.get("vendor") and merged["vendor"] not in SmsVendor.values:
        errors["vendor"] = _("Choose Aliyun or Tencent Cloud.")
    if merged.get("vendor") == SmsVendor.TENCENT and not merged.get("app_id"):
        errors["app_id"] = _("Tencent Cloud needs the SDK app ID.")
    if values.get("endpoint"):
        try:
            URLValidator(schemes=["https", "http"])(values["endpoint"])
        except ValidationError:
            errors["endpoint"] = _("Enter an http:// or https:// URL.")
    return errors


def _check(values: dict[str, Any], current: SmsProvider | None) -> None:
    merged = {**({f: getattr(current, f) for f in FIELDS} if current else {}), **values}
    errors = _field_errors(values, merged, current is not None and bool(current.key_secret))
    name = values.get("name")
    if name and "name" not in errors:
        taken = SmsProvider.objects.filter(name__iexact=name)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            errors["name"] = _("Another SMS provider already has this name.")
    if errors:
        exists = errors.get("name") == _("Another SMS provider already has this name.")
        code = "sms_provider.exists" if exists else "sms_provider.invalid"
        raise ValidationFailed(code, next(iter(errors.values())), fields=errors)


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _payload(row: SmsProvider, **extra: Any) -> dict[str, Any]:
    return {"provider": row.pk, "name": row.name, "vendor": row.vendor, **extra}


def _switch_on(row: SmsProvider) -> None:
    if row.is_active:  # this process delivers SMS notifications from now on (see docs)
        from gongdan.channels.sms.notify import send_sms_notification

        transaction.on_commit(lambda: register_channel("sms", send_sms_notification))


def provider_create(*, actor: User, key_secret: str, **values: Any) -> SmsProvider:
    """A new provider; 422 ``sms_provider.exists`` for a name in use, ``sms_provider.invalid``."""
    require_channel_manager(actor)
    values = _strip({k: v for k, v in values.items() if k in FIELDS})
    key_secret = (key_secret or "").strip()
    _check({**values, "key_secret": key_secret}, None)
    with transaction.atomic():
        row = SmsProvider.objects.create(key_secret=key_secret, **values)
        record(Change(CREATED, row, actor, payload=_payload(row)))
        _switch_on(row)
    return row


def provider_update(
    *, actor: User, provider: SmsProvider, key_secret: str = "", **values: Any
) -> SmsProvider:
    """Change the fields given; an empty ``key_secret`` keeps the stored one."""
    require_channel_manager(actor)
    values = _strip({k: v for k, v in values.items() if k in FIELDS})
    key_secret = (key_secret or "").strip()
    _check({**values, **({"key_secret": key_secret} if key_secret else {})}, provider)
    changed = sorted(k for k, v in values.items() if getattr(provider, k) != v)
    with transaction.atomic():
        for key, value in values.items():
            setattr(provider, key, value)
        if key_secret:
            provider.key_secret = key_secret
        provider.save()
        payload = _payload(provider, changed=changed, secret_replaced=bool(key_secret))
        record(Change(UPDATED, provider, actor, payload=payload))
        _switch_on(provider)
    return provider


def provider_test_send(*, actor: User, provider: SmsProvider, mobile: str) -> tuple[bool, str]:
    """Send the notification template to ``mobile`` now; returns (succeeded, what happened).

    The request goes out outside any transaction; the outcome is saved afterwards.
    """
    require_channel_manager(actor)
    mobile = (mobile or "").strip()
    try:
        mobile_validator(mobile)
    except ValidationError:
        message = _("Enter a valid mobile number.")
        raise ValidationFailed(
            "sms_provider.bad_mobile", message, fields={"mobile": message}
        ) from None
    params = {"number": "GD-TEST", "text": _("gongdan test message")[:35]}
    try:
        provider_for(provider).send(mobile, params)
    except ChannelError as exc:
        ok, result = False, _("The provider refused: %(error)s") % {"error": str(exc)[:250]}
    else:
        ok, result = True, _("Sent. Check the phone for the message.")
    with transaction.atomic():
        provider.last_test_at, provider.last_test_ok = timezone.now(), ok
        provider.last_test_result = result[:300]
        provider.save(update_fields=["last_test_at", "last_test_ok", "last_test_result"])
        masked = mobile[:3] + "****" + mobile[-4:] if len(mobile) > 7 else "****"
        payload = _payload(provider, ok=ok, mobile=masked)
        record(Change(TESTED, provider, actor, payload=payload))
    return ok, result
