"""Creating and changing tickets: the one write path for the workspace, portal, API and scripts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Team, User
from gongdan.audit.changes import ChangeKind
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.core.orm import prime_prefetch
from gongdan.customers.models import Contact
from gongdan.tickets import changes, hooks, policies, refdata
from gongdan.tickets.changes import Kind, TicketChange, record
from gongdan.tickets.choices import OPEN_STATUSES, Channel, Priority, Status
from gongdan.tickets.models import Category, Tag, Ticket, TicketType
from gongdan.tickets.numbering import next_ticket_number
from gongdan.tickets.services._common import (
    clean_text,
    clean_title,
    fail,
    lock_ticket,
    require_staff,
    require_visible,
    touch,
)
from gongdan.tickets.services.attachments import attachment_store, validate_upload
from gongdan.tickets.services.comments import comment_create
from gongdan.tickets.services.followups import close_for_ticket
from gongdan.tickets.workflow import NEEDS_ASSIGNEE, REASON_REQUIRED, Side, check_transition

UNSET: Any = object()


def _default_type() -> TicketType:
    ticket_type = refdata.default_ticket_type()
    if ticket_type is None:
        raise fail("ticket.no_type", _("No ticket type is configured yet."), field="ticket_type")
    return ticket_type


def _check_category(category: Category | None, ticket_type: TicketType) -> None:
    if category is None:
        return
    if not category.is_active:
        raise fail("ticket.invalid", _("This category is no longer in use."), field="category")
    if category.ticket_type_id and category.ticket_type_id != ticket_type.pk:
        raise fail(
            "ticket.invalid",
            _("This category does not belong to the chosen type."),
            field="category",
        )


def _category_fits(category: Category | None, ticket_type: TicketType) -> bool:
    """No category, a category for every type, or one of ``ticket_type``'s own."""
    return category is None or category.ticket_type_id in (None, ticket_type.pk)


def _check_priority(priority: str) -> Priority:
    if priority not in Priority.values:
        raise fail(
            "ticket.invalid", _("Unknown priority “%(p)s”.") % {"p": priority}, field="priority"
        )
    return Priority(priority)


def _check_assignee(assignee: User | None, ticket: Ticket) -> None:
    if assignee is not None and not policies.may_be_assigned(assignee, ticket):
        raise fail(
            "ticket.invalid_assignee",
            _("%(name)s cannot be assigned to this ticket (not staff of its team).")
            % {"name": assignee},
            field="assignee",
        )


def _tags(names: Sequence[str]) -> list[Tag]:
    cleaned = sorted({name.strip()[:50] for name in names if name and name.strip()})
    tags = []
    for name in cleaned:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def _requester_for(actor: User, requester: Contact | None) -> Contact:
    if actor.role == Role.CUSTOMER:
        contact = policies.contact_for(actor)
        if contact is None:
            raise Forbidden("ticket.no_contact", _("Your login is not linked to a customer."))
        return contact
    if requester is None:
        raise fail("ticket.invalid", _("Choose who the ticket is for."), field="requester")
    return requester


def ticket_create(  # noqa: C901 - one entry point with every optional field
    *,
    actor: User,
    title: str,
    description: str = "",
    ticket_type: TicketType | None = None,
    category: Category | None = None,
    priority: str = Priority.NORMAL,
    channel: str | None = None,
    requester: Contact | None = None,
    team: Team | None = UNSET,
    assignee: User | None = None,
    tags: Sequence[str] = (),
    attachments: Sequence[UploadedFile] = (),
    parent: Ticket | None = None,
    created_at: datetime | None = None,
    _intake_team: Team | None = None,
) -> Ticket:
    """Create a ticket with its number, timeline entry, audit event and ``ticket.created`` event.

    Customers create tickets for themselves (team and assignee come from configuration); staff
    create them on behalf of a requester contact. Raises ``ValidationFailed``/``Forbidden``.
    Takes the day's number-sequence lock until commit.
    """
    is_customer = actor.role == Role.CUSTOMER
    if not actor.is_authenticated or not actor.is_active:
        raise Forbidden("permission.denied", _("Please sign in."))
    if is_customer and (assignee is not None or tags or parent is not None):
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))
    title = clean_title(title)
    description = clean_text(description, field="description")
    ticket_type = ticket_type or _default_type()
    if not ticket_type.is_active:
        raise fail(
            "ticket.invalid", _("This ticket type is no longer in use."), field="ticket_type"
        )
    _check_category(category, ticket_type)
    priority = _check_priority(priority)
    channel = channel or (Channel.PORTAL if is_customer else Channel.WEB)
    if channel not in Channel.values:
        raise fail("ticket.invalid", _("Unknown channel."), field="channel")
    contact = _requester_for(actor, requester)
    if team is UNSET or is_customer:
        # A trusted intake (a mailbox) routes a customer's ticket to its own team.
        team = _intake_team or ticket_type.default_team
    for upload in attachments:  # refuse bad files before any row or file is written
        validate_upload(upload)
    now = created_at or timezone.now()
    with transaction.atomic():
        ticket = Ticket(
            number=next_ticket_number(at=now),
            title=title,
            description=description,
            ticket_type=ticket_type,
            category=category,
            priority=priority,
            channel=channel,
            requester=contact,
            # The contact's organization was fetched with it (selectors join it): reuse the row.
            organization=contact.organization if contact.organization_id else None,
            team=team,
            created_by=actor,
            parent=parent,
            created_at=now,
            updated_at=now,
        )
        _check_assignee(assignee, ticket)
        if assignee is not None:
            ticket.assignee = assignee
            ticket.status = Status.ASSIGNED
        planned = hooks.before_insert(ticket, now=now)  # SLA: the due columns, before the insert
        ticket.save()
        hooks.after_insert(ticket, planned)
        tag_rows = _tags(tags) if tags else []
        if tag_rows:
            ticket.tags.set(tag_rows)
        prime_prefetch(ticket, "tags", tag_rows)  # the response lists them without a query
        record(changes.created(ticket, actor=actor))
        if assignee is not None:
            record(
                changes.reference_noted(
                    ticket, Kind.ASSIGNEE_NOTED, actor=actor, old=None, new=assignee, at=now
                )
            )
        for upload in attachments:
            attachment_store(ticket=ticket, actor=actor, upload=upload, is_internal=False)
        # Smart assignment (gongdan.assignment, through tickets.hooks): a team ticket without an
        # assignee goes to the best available agent in this transaction, or waits in the queue.
        hooks.created(ticket)
    return ticket


def _apply_reference(
    ticket: Ticket,
    field: str,
    value: Any,
    kind: ChangeKind,
    actor: User,
    changed: list[str],
    notes: list[TicketChange],
) -> None:
    old = getattr(ticket, field)
    if (old.pk if old else None) == (value.pk if value else None):
        return
    setattr(ticket, field, value)
    changed.append(field)
    notes.append(changes.reference_noted(ticket, kind, actor=actor, old=old, new=value))


def ticket_update(  # noqa: C901 - one branch per editable field
    *,
    actor: User,
    ticket: Ticket,
    expected_version: int | None = None,
    title: str = UNSET,
    description: str = UNSET,
    priority: str = UNSET,
    ticket_type: TicketType = UNSET,
    category: Category | None = UNSET,
    team: Team | None = UNSET,
    tags: Sequence[str] = UNSET,
) -> Ticket:
    """Change a ticket's fields (staff only). Each change is a timeline entry; one version step.

    Moving to a team the assignee does not belong to unassigns the ticket (back to the queue).
    Changing the type clears a category of another type unless a fitting ``category`` is given.
    Setting the tags it already has changes nothing.
    """
    require_visible(actor, ticket)
    require_staff(actor)
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version=expected_version)
        changed: list[str] = []
        notes: list[TicketChange] = []  # timeline entries, written once the change is saved
        if title is not UNSET and (title := clean_title(title)) != ticket.title:
            notes.append(
                changes.field_noted(ticket, actor=actor, field="title", old=ticket.title, new=title)
            )
            ticket.title = title
            changed.append("title")
        if description is not UNSET:
            description = clean_text(description, field="description")
            if description != ticket.description:
                notes.append(
                    changes.field_noted(
                        ticket,
                        actor=actor,
                        field="description",
                        old=ticket.description[:200],
                        new=description[:200],
                    )
                )
                ticket.description = description
                changed.append("description")
        if priority is not UNSET and (priority := _check_priority(priority)) != ticket.priority:
            notes.append(
                changes.priority_noted(ticket, actor=actor, old=ticket.priority, new=priority)
            )
            ticket.priority = priority
            changed.append("priority")
        if ticket_type is not UNSET:
            _apply_reference(
                ticket, "ticket_type", ticket_type, Kind.TYPE_NOTED, actor, changed, notes
            )
        if category is not UNSET:
            _check_category(category, ticket.ticket_type)
            _apply_reference(
                ticket, "category", category, Kind.CATEGORY_NOTED, actor, changed, notes
            )
        elif "ticket_type" in changed and not _category_fits(ticket.category, ticket.ticket_type):
            # The current category belongs to the old type: it no longer applies.
            _apply_reference(ticket, "category", None, Kind.CATEGORY_NOTED, actor, changed, notes)
        if team is not UNSET:
            _apply_reference(ticket, "team", team, Kind.TEAM_NOTED, actor, changed, notes)
            if (
                "team" in changed
                and ticket.assignee
                and not policies.may_be_assigned(ticket.assignee, ticket)
            ):
                _unassign(ticket, actor, changed, notes)
        if tags is not UNSET and _set_tags(ticket, tags, actor, notes):
            changed.append("tags")
        if not changed:
            return ticket
        touch(ticket, *[f for f in changed if f != "tags"])
        hooks.updated(ticket, changed=changed, now=ticket.updated_at)  # SLA: re-aim the targets
        record(*notes, changes.updated(ticket, actor=actor, fields=changed), at=ticket.updated_at)
        # Smart assignment: moved unowned into a team that assigns itself.
        hooks.after_update(ticket, changed=changed)
    return ticket


def _set_tags(ticket: Ticket, names: Sequence[str], actor: User, notes: list[TicketChange]) -> bool:
    """Replace the ticket's tags; True when that changed anything."""
    before = set(ticket.tags.values_list("name", flat=True))
    tags = _tags(names)
    after = {tag.name for tag in tags}
    if before == after:
        return False
    ticket.tags.set(tags)
    notes.append(
        changes.tags_noted(
            ticket, actor=actor, added=sorted(after - before), removed=sorted(before - after)
        )
    )
    return True


# Statuses that only make sense with an owner: losing it puts the ticket back in the queue.
_OWNED_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})


def _unassign(
    ticket: Ticket,
    actor: User | None,
    changed: list[str],
    notes: list[TicketChange],
    *,
    note_assignee: bool = True,
) -> None:
    """Back to the queue; ``note_assignee`` False when the caller's own change (an assignment)
    writes the assignee's entry."""
    if note_assignee:
        notes.append(
            changes.reference_noted(
                ticket, Kind.ASSIGNEE_NOTED, actor=actor, old=ticket.assignee, new=None
            )
        )
    ticket.assignee = None
    changed.append("assignee")
    if ticket.status in _OWNED_STATUSES:
        notes.append(
            changes.status_changed(
                ticket, actor=actor, old=ticket.status, new=Status.NEW, noted=True
            )
        )
        ticket.status = Status.NEW
        changed.append("status")


def ticket_assign(
    *,
    actor: User,
    ticket: Ticket,
    assignee: User | None,
    expected_version: int | None = None,
) -> Ticket:
    """Give the ticket to ``assignee`` (or back to the queue with None).

    Agents may take a ticket or hand it to a member of its team; supervisors and admins to any
    staff member. A new ticket becomes ``assigned``; an ``assigned`` or ``in_progress`` ticket
    that loses its owner becomes ``new``.
    """
    require_visible(actor, ticket)
    require_staff(actor)
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version=expected_version)
        if ticket.status in {Status.CLOSED, Status.CANCELLED}:
            raise fail("ticket.closed", _("A closed or cancelled ticket cannot be assigned."))
        if (assignee.pk if assignee else None) == ticket.assignee_id:
            return ticket
        _check_assignee(assignee, ticket)
        assign_locked(ticket, assignee=assignee, actor=actor)
    return ticket


def assign_locked(ticket: Ticket, *, assignee: User | None, actor: User | None) -> None:
    """The assignment itself, for a ticket locked by the caller whose checks are done.

    Shared by ``ticket_assign`` and smart assignment (``gongdan.assignment``, actor None for the
    system): timeline, status, version, audit ``ticket.assigned`` and the outbox event (which
    notifies the new assignee).
    """
    changed: list[str] = []
    notes: list[TicketChange] = []
    old = ticket.assignee
    if assignee is None:
        _unassign(ticket, actor, changed, notes, note_assignee=False)
    else:
        ticket.assignee = assignee
        changed.append("assignee")
        if ticket.status == Status.NEW:
            notes.append(
                changes.status_changed(
                    ticket, actor=actor, old=ticket.status, new=Status.ASSIGNED, noted=True
                )
            )
            ticket.status = Status.ASSIGNED
            changed.append("status")
    touch(ticket, *changed)
    record(
        changes.assigned(ticket, actor=actor, old=old, new=assignee), *notes, at=ticket.updated_at
    )


def _side(actor: User, ticket: Ticket) -> Side:
    if policies.is_staff_user(actor):
        return Side.STAFF
    if policies.is_requester_side(actor, ticket):
        return Side.REQUESTER
    raise Forbidden("permission.denied", _("You may not change this ticket."))


def _stamp(ticket: Ticket, new: str, now: datetime) -> list[str]:
    """Set the timestamps that belong to a status and return the fields that changed."""
    if new == Status.RESOLVED:
        ticket.resolved_at = now
        return ["resolved_at"]
    if new in {Status.CLOSED, Status.CANCELLED}:
        ticket.closed_at = now
        return ["closed_at"]
    if new == Status.REOPENED:
        ticket.resolved_at = None
        return ["resolved_at"]
    return []


def ticket_transition(
    *,
    actor: User,
    ticket: Ticket,
    to: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Move the ticket through the state machine (``tickets.workflow``).

    An illegal move raises ``ValidationFailed`` (``ticket.illegal_transition``) and changes
    nothing. Reopening and cancelling need a reason, stored as a public comment. A staff actor
    who moves an unowned ticket into work takes it (audited as ``ticket.assigned``); a customer's
    move never assigns anyone.
    """
    require_visible(actor, ticket)
    side = _side(actor, ticket)
    reason = clean_text(comment, field="comment")
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version=expected_version)
        refusal = check_transition(ticket.status, to, side)
        if refusal:
            raise ValidationFailed("ticket.illegal_transition", refusal, fields={"to": refusal})
        if to in REASON_REQUIRED and not reason:
            message = _("Please say why.")
            raise ValidationFailed("ticket.reason_required", message, fields={"comment": message})
        changed = ["status"]
        # Staff moving an unowned ticket into work take it; a customer's move never assigns.
        takes = side == Side.STAFF and to in NEEDS_ASSIGNEE and ticket.assignee_id is None
        if takes:
            _check_assignee(actor, ticket)
            ticket.assignee = actor
            changed.append("assignee")
        old = ticket.status
        now = timezone.now()
        changed += _stamp(ticket, to, now)
        ticket.status = to
        touch(ticket, *changed)
        hooks.status_changed(ticket, old=old, new=to, now=now)
        if takes:
            record(changes.assigned(ticket, actor=actor, old=None, new=actor), at=ticket.updated_at)
        record(
            changes.status_changed(ticket, actor=actor, old=old, new=to, reason=reason),
            at=ticket.updated_at,
        )
        if to not in OPEN_STATUSES:  # a supervision (督办) closes with its ticket
            close_for_ticket(ticket, actor=actor)
        if reason:
            comment_create(actor=actor, ticket=ticket, body=reason, is_internal=False, _locked=True)
        # Smart assignment: a reopened ticket whose assignee is unavailable moves on.
        hooks.after_transition(ticket, old=old, new=to)
    ticket.refresh_from_db()
    return ticket
