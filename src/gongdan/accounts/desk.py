"""The desk's own settings: its name and logo, and the first-run flag (``DeskSettings``, pk 1).

Reads go through :func:`desk_brand` (a per-process cache: every workspace page shows the name),
writes through :func:`desk_settings_update`, :func:`desk_logo_set` and :func:`welcome_finish`
(admins only; audited ``desk.changed`` / ``desk.welcome_done``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gongdan.accounts.models import DeskSettings, User
from gongdan.accounts.policies import is_admin
from gongdan.accounts.services import require_admin
from gongdan.audit.changes import Change, ChangeKind, record
from gongdan.core.cache import ProcessCache
from gongdan.core.errors import ValidationFailed

DESK_CHANGED = ChangeKind("desk.changed", outbox=False)
WELCOME_DONE = ChangeKind("desk.welcome_done", outbox=False)

LOGO_MAX_BYTES = 256 * 1024
# The first bytes of each accepted image type (no SVG: it may carry scripts).
LOGO_TYPES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def desk_settings() -> DeskSettings:
    """The one row (made on first use)."""
    row, _created = DeskSettings.objects.get_or_create(pk=1)
    return row


@dataclass(frozen=True)
class Brand:
    name: str
    logo_url: str
    welcome_pending: bool


def _load_brand() -> Brand:
    row = DeskSettings.objects.filter(pk=1).defer("logo").first()
    if row is None:
        return Brand(name="", logo_url="", welcome_pending=True)
    logo = reverse("accounts:desk_logo", args=[row.logo_version]) if row.logo_type else ""
    return Brand(name=row.name, logo_url=logo, welcome_pending=not row.welcome_done)


_brand: ProcessCache[Brand] = ProcessCache(_load_brand, ttl=30)
_brand.invalidate_on(DeskSettings, uid="desk-brand")


def desk_brand() -> Brand:
    """The desk's name, logo URL and first-run state (cached per process for 30 s)."""
    return _brand.get()


def welcome_pending(user: User) -> bool:
    """True when ``user`` is an admin and the first-run page was neither finished nor skipped."""
    return is_admin(user) and desk_brand().welcome_pending


def desk_settings_update(*, actor: User, name: str) -> DeskSettings:
    """Rename the desk (admins only; an empty name shows the product's name)."""
    require_admin(actor)
    name = name.strip()
    if len(name) > 100:
        message = _("Ensure this value has at most 100 characters.")
        raise ValidationFailed("desk.invalid", message, fields={"name": message})
    with transaction.atomic():
        row = desk_settings()
        if row.name != name:
            row.name = name
            row.save(update_fields=["name", "updated_at"])
            record(Change(DESK_CHANGED, row, actor, audit_data={"fields": ["name"]}))
    return row


def logo_type_of(data: bytes) -> str:
    """The image type of ``data`` by its first bytes, or "" for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in LOGO_TYPES if data.startswith(magic)), "")


def desk_logo_set(*, actor: User, data: bytes | None) -> DeskSettings:
    """Set (PNG, JPEG, GIF or WebP, at most 256 KB) or remove (``None``) the desk's logo."""
    require_admin(actor)
    kind = ""
    if data is not None:
        if len(data) > LOGO_MAX_BYTES:
            message = _("The logo may be at most %(kb)d KB.") % {"kb": LOGO_MAX_BYTES // 1024}
            raise ValidationFailed("desk.logo_too_large", message, fields={"logo": message})
        kind = logo_type_of(data)
        if not kind:
            message = _("The logo must be a PNG, JPEG, GIF or WebP image.")
            raise ValidationFailed("desk.logo_type", message, fields={"logo": message})
    with transaction.atomic():
        row = desk_settings()
        row.logo = data or b""
        row.logo_type = kind
        row.logo_version += 1
        row.save(update_fields=["logo", "logo_type", "logo_version", "updated_at"])
        data_ = {"fields": ["logo"], "removed": data is None}
        record(Change(DESK_CHANGED, row, actor, audit_data=data_))
    return row


def welcome_finish(*, actor: User, skipped: bool) -> None:
    """The first-run page is done (or skipped) and is not shown again (admins only)."""
    require_admin(actor)
    with transaction.atomic():
        row = desk_settings()
        if row.welcome_done:
            return
        row.welcome_done = True
        row.save(update_fields=["welcome_done", "updated_at"])
        record(Change(WELCOME_DONE, row, actor, audit_data={"skipped": skipped}))


def desk_configured() -> None:
    """Mark the desk as configured without an actor (demo data, test personas, scripts)."""
    DeskSettings.objects.update_or_create(pk=1, defaults={"welcome_done": True})
