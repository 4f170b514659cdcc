"""Public replies, internal notes and file uploads on a ticket."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.tickets import changes, hooks, policies
from gongdan.tickets.changes import record
from gongdan.tickets.choices import FINAL_STATUSES, Channel, Status
from gongdan.tickets.models import Attachment, Comment, Ticket
from gongdan.tickets.services._common import (
    clean_text,
    lock_ticket,
    require_staff,
    require_visible,
    touch,
)
from gongdan.tickets.services.attachments import attachment_store, validate_upload
from gongdan.tickets.services.mentions import mentions_apply


def _check_may_comment(
    actor: User, ticket: Ticket, is_internal: bool, *, by_transition: bool = False
) -> None:
    if policies.is_staff_user(actor):
        return
    if is_internal:
        raise Forbidden("permission.staff_only", _("Only service staff may write internal notes."))
    # A customer's cancel reason is written by ticket_transition after the status became final.
    if ticket.status in FINAL_STATUSES and not by_transition:
        raise ValidationFailed("ticket.closed", _("This ticket is closed; please open a new one."))


def comment_create(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    is_internal: bool = False,
    attachments: Sequence[UploadedFile] = (),
    channel: str | None = None,
    expected_version: int | None = None,
    _locked: bool = False,
) -> Comment:
    """Add a public reply or (staff only) an internal note, with optional files.

    A staff public reply sets ``first_response_at``; a customer reply to a ``pending`` ticket moves
    it back to ``in_progress``. Files are validated before anything is written.
    """
    require_visible(actor, ticket)
    _check_may_comment(actor, ticket, is_internal, by_transition=_locked)
    text = clean_text(body, field="body", required=not attachments)
    for upload in attachments:
        validate_upload(upload)
    is_staff = policies.is_staff_user(actor)
    with transaction.atomic():
        if not _locked:
            ticket = lock_ticket(ticket, expected_version=expected_version)
        now = timezone.now()
        ticket.updated_at = now
        # A customer's reply moves a pending ticket on: audited before the reply it answers to.
        changed = _status_after_comment(ticket, actor, is_staff=is_staff, is_internal=is_internal)
        comment = Comment.objects.create(
            ticket=ticket,
            author=actor,
            author_contact=None if is_staff else policies.contact_for(actor),
            body=text,
            is_internal=is_internal,
            channel=channel or (Channel.WEB if is_staff else Channel.PORTAL),
            created_at=now,
        )
        record(changes.commented(ticket, comment, actor=actor))
        mentions_apply(actor=actor, ticket=ticket, comment=comment)  # internal notes only
        for upload in attachments:
            attachment_store(
                ticket=ticket, actor=actor, upload=upload, is_internal=is_internal, comment=comment
            )
        if not is_internal:
            hooks.replied(ticket, by_staff=is_staff, now=now)
        if not _locked:
            touch(ticket, *changed)
        elif changed:
            ticket.save(update_fields=changed)
    return comment


def _status_after_comment(
    ticket: Ticket, actor: User, *, is_staff: bool, is_internal: bool
) -> list[str]:
    changed: list[str] = []
    if is_staff and not is_internal and ticket.first_response_at is None:
        ticket.first_response_at = ticket.updated_at
        changed.append("first_response_at")
    if not is_staff and ticket.status == Status.PENDING:
        # The customer answered: the same move as ticket_transition, with its audit and event.
        old, new = ticket.status, Status.IN_PROGRESS
        ticket.status = new
        changed.append("status")
        hooks.status_changed(ticket, old=old, new=new, now=ticket.updated_at)
        record(changes.status_changed(ticket, actor=actor, old=old, new=new), at=ticket.updated_at)
    return changed


def attachment_add(
    *, actor: User, ticket: Ticket, upload: UploadedFile, is_internal: bool = False
) -> Attachment:
    """Upload one file to a ticket without a comment (customers: public files only)."""
    require_visible(actor, ticket)
    if is_internal:
        require_staff(actor)
    _check_may_comment(actor, ticket, is_internal)
    validate_upload(upload)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        ticket.updated_at = timezone.now()
        attachment = attachment_store(
            ticket=ticket, actor=actor, upload=upload, is_internal=is_internal
        )
        touch(ticket)
        record(
            changes.attachment_added(
                ticket, actor=actor, name=attachment.name, attachment_id=attachment.pk
            ),
            at=ticket.updated_at,
        )
    return attachment
