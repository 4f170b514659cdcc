"""Storing uploaded files safely: size and type limits, sanitised names, a content hash."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import DomainError, ValidationFailed
from gongdan.tickets import changes
from gongdan.tickets.models import Attachment, Comment, Ticket

NAME_MAX = 150


def sanitize_filename(raw: str) -> str:
    """Drop any path, control characters and shell-unsafe characters; keep CJK; cap the length."""
    base = PurePosixPath(str(raw).replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable())
    try:
        name = get_valid_filename(base)
    except SuspiciousFileOperation:  # "", "." and ".." have no valid name
        name = ""
    name = name.lstrip(".") or "file"
    if len(name) > NAME_MAX:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: NAME_MAX - len(suffix)] + suffix
    return name


def validate_upload(upload: UploadedFile) -> str:
    """Check size and type; return the sanitised name. Raises 413 or 422 ``DomainError``."""
    limit = settings.GONGDAN_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise DomainError(
            "attachment.too_large",
            _("The file is too large (limit %(mb)d MB).") % {"mb": limit // (1024 * 1024)},
            fields={"file": _("File too large.")},
            status=413,
        )
    if upload.size == 0:
        message = _("The file is empty.")
        raise ValidationFailed("attachment.empty", message, fields={"file": message})
    name = sanitize_filename(upload.name or "file")
    suffix = PurePosixPath(name).suffix.lower()
    allowed = [ext.lower() for ext in settings.GONGDAN_ATTACHMENT_ALLOWED]
    if suffix not in allowed:
        message = _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.") % {
            "ext": suffix or _("(none)"),
            "allowed": " ".join(allowed),
        }
        raise ValidationFailed("attachment.forbidden_type", message, fields={"file": message})
    return name


def attachment_store(
    *,
    ticket: Ticket,
    actor: User | None,
    upload: UploadedFile,
    is_internal: bool,
    comment: Comment | None = None,
) -> Attachment:
    """Save one validated file and its timeline entry; call inside the ticket's transaction."""
    name = validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        name=name,
        size=upload.size or 0,
        content_type=content_type,
        sha256=digest.hexdigest(),
        is_internal=is_internal,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        created_at=ticket.updated_at,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    changes.record(
        changes.attachment_stored(
            ticket,
            actor=actor,
            name=name,
            attachment_id=attachment.pk,
            is_internal=is_internal,
            at=attachment.created_at,
        )
    )
    return attachment
