"""Relations between tickets: children (split work), links, merges, and watchers."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.audit.services import audit_record
from gongdan.core.errors import ValidationFailed
from gongdan.core.events import emit
from gongdan.customers.models import Contact
from gongdan.tickets import timeline
from gongdan.tickets.choices import FINAL_STATUSES, LinkKind, Status, TimelineKind
from gongdan.tickets.models import (
    Attachment,
    Comment,
    Ticket,
    TicketLink,
    TicketType,
    TicketWatcher,
    TimelineEntry,
)
from gongdan.tickets.services._common import lock_ticket, require_staff, require_visible, touch
from gongdan.tickets.services.tickets import ticket_create


def ticket_create_child(
    *, actor: User, parent: Ticket, title: str, description: str = "",
    ticket_type: TicketType | None = None, team: Team | None = None,
    assignee: User | None = None, priority: str | None = None,
) -> Ticket:
    """Split part of the work into a child ticket (often for another team).

    The child has the parent's requester; both timelines record the split.
    """
    require_visible(actor, parent)
    require_staff(actor)
    if parent.status in FINAL_STATUSES:
        raise ValidationFailed("ticket.closed", _("A closed ticket cannot get new child tickets."))
    with transaction.atomic():
        parent = lock_ticket(parent)
        child = ticket_create(
            actor=actor, title=title, description=description,
            ticket_type=ticket_type or parent.ticket_type, team=team,
            assignee=assignee, priority=priority or parent.priority, channel=parent.channel,
            requester=parent.requester, parent=parent,
        )
        timeline.related(parent, TimelineKind.CHILD_CREATED, actor=actor, other=child)
        touch(parent)
        emit("ticket.child_created", ticket=parent.number, child=child.number)
    return child


def ticket_link(*, actor: User, ticket: Ticket, target: Ticket, kind: str) -> TicketLink:
    """Link two tickets (``related`` or ``duplicate_of``); both timelines record it."""
    require_visible(actor, ticket)
    require_visible(actor, target)
    require_staff(actor)
    if kind not in LinkKind.values:
        raise ValidationFailed("link.invalid", _("Unknown link kind."), fields={"kind": kind})
    if ticket.pk == target.pk:
        raise ValidationFailed("link.self", _("A ticket cannot be linked to itself."))
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if TicketLink.objects.filter(source=ticket, target=target, kind=kind).exists():
            raise ValidationFailed("link.exists", _("These tickets are already linked this way."))
        link = TicketLink.objects.create(source=ticket, target=target, kind=kind,
                                         created_by=actor)
        timeline.related(ticket, TimelineKind.LINKED, actor=actor, other=target,
                         extra={"kind": kind})
        touch(ticket)
        audit_record(actor=actor, action="ticket.linked", obj=ticket,
                     data={"target": target.number, "kind": kind})
    return link


def watcher_add(
    *, actor: User, ticket: Ticket, user: User | None = None, contact: Contact | None = None,
    _locked: bool = False,
) -> TicketWatcher | None:
    """Add a staff user or a customer contact as a watcher; an existing watcher is left alone."""
    if not _locked:
        require_visible(actor, ticket)
        require_staff(actor)
    lookup = {"user": user} if user is not None else {"contact": contact}
    if TicketWatcher.objects.filter(ticket=ticket, **lookup).exists():
        return None
    try:
        with transaction.atomic():
            watcher = TicketWatcher.objects.create(ticket=ticket, **lookup)
            timeline.watcher_added(ticket, actor=actor, who=str(user or contact))
    except IntegrityError:
        return None
    return watcher


def ticket_merge(*, actor: User, source: Ticket, target: Ticket) -> Ticket:
    """Fold the duplicate ``source`` into ``target``.

    The source's comments, attachments and their timeline entries move to the target; the
    source's requester becomes a watcher of the target; the source is closed with
    ``merged_into`` set and both timelines say so. Locks both tickets, lower id first.
    """
    require_visible(actor, source)
    require_visible(actor, target)
    require_staff(actor)
    if source.pk == target.pk:
        raise ValidationFailed("merge.self", _("A ticket cannot be merged into itself."))
    with transaction.atomic():
        first, second = sorted([source.pk, target.pk])
        locked = {first: lock_ticket(first), second: lock_ticket(second)}
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id or source.status in FINAL_STATUSES:
            raise ValidationFailed("merge.closed", _("Only an open ticket can be merged."))
        if target.merged_into_id or target.status in FINAL_STATUSES:
            raise ValidationFailed("merge.target_closed",
                                   _("The ticket to merge into must be open."))
        moved = Comment.objects.filter(ticket=source).update(ticket=target)
        Attachment.objects.filter(ticket=source).update(ticket=target)
        TimelineEntry.objects.filter(
            ticket=source, kind__in=[TimelineKind.REPLY, TimelineKind.NOTE,
                                     TimelineKind.ATTACHMENT],
        ).update(ticket=target)
        if source.requester_id != target.requester_id:
            watcher_add(actor=actor, ticket=target, contact=source.requester, _locked=True)
        old_status = source.status
        source.status = Status.CLOSED
        source.closed_at = timezone.now()
        source.merged_into = target
        touch(source, "status", "closed_at", "merged_into")
        timeline.status_changed(source, actor=actor, old=old_status, new=Status.CLOSED)
        timeline.related(source, TimelineKind.MERGED, actor=actor, other=target,
                         is_internal=False)
        timeline.related(target, TimelineKind.MERGED_FROM, actor=actor, other=source,
                         extra={"comments": moved})
        touch(target)
        audit_record(actor=actor, action="ticket.merged", obj=source,
                     data={"into": target.number, "comments": moved})
        emit("ticket.merged", ticket=source.number, into=target.number)
    return target
