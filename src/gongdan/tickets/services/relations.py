"""Relations between tickets: children (split work), links, merges, and watchers."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.customers.models import Contact
from gongdan.tickets import changes, hooks, policies
from gongdan.tickets.changes import Kind, record
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
from gongdan.tickets.services.followups import close_for_ticket
from gongdan.tickets.services.tickets import UNSET, ticket_create


def ticket_create_child(
    *,
    actor: User,
    parent: Ticket,
    title: str,
    description: str = "",
    ticket_type: TicketType | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    priority: str | None = None,
) -> Ticket:
    """Split part of the work into a child ticket (often for another team).

    The child has the parent's requester; both timelines record the split. Without ``team``
    (None) the child goes to its type's default team.
    """
    require_visible(actor, parent)
    require_staff(actor)
    if parent.status in FINAL_STATUSES:
        raise ValidationFailed("ticket.closed", _("A closed ticket cannot get new child tickets."))
    with transaction.atomic():
        parent = lock_ticket(parent)
        child = ticket_create(
            actor=actor,
            title=title,
            description=description,
            ticket_type=ticket_type or parent.ticket_type,
            team=UNSET if team is None else team,
            assignee=assignee,
            priority=priority or parent.priority,
            channel=parent.channel,
            requester=parent.requester,
            parent=parent,
        )
        touch(parent)
        record(
            changes.related(
                parent,
                Kind.CHILD_CREATED,
                actor=actor,
                other=child,
                payload={"ticket": parent.number, "child": child.number},
            ),
            at=parent.updated_at,
        )
    return child


def _lock_pair(a: Ticket, b: Ticket) -> tuple[Ticket, Ticket]:
    """Lock two tickets, lower id first (so two opposite requests cannot deadlock)."""
    first, second = sorted([a.pk, b.pk])
    locked = {first: lock_ticket(first), second: lock_ticket(second)}
    return locked[a.pk], locked[b.pk]


def ticket_link(*, actor: User, ticket: Ticket, target: Ticket, kind: str) -> TicketLink:
    """Link two tickets (``related`` or ``duplicate_of``); both timelines record it.

    ``related`` has no direction: a link whose reverse exists is refused like a repeated one.
    """
    require_visible(actor, ticket)
    require_visible(actor, target)
    require_staff(actor)
    if kind not in LinkKind.values:
        raise ValidationFailed("link.invalid", _("Unknown link kind."), fields={"kind": kind})
    if ticket.pk == target.pk:
        raise ValidationFailed("link.self", _("A ticket cannot be linked to itself."))
    with transaction.atomic():
        ticket, target = _lock_pair(ticket, target)
        same = Q(source=ticket, target=target, kind=kind)
        if kind == LinkKind.RELATED:
            same |= Q(source=target, target=ticket, kind=kind)
        if TicketLink.objects.filter(same).exists():
            raise ValidationFailed("link.exists", _("These tickets are already linked this way."))
        link = TicketLink.objects.create(source=ticket, target=target, kind=kind, created_by=actor)
        touch(ticket)
        touch(target)
        record(
            changes.related(
                ticket,
                Kind.LINKED,
                actor=actor,
                other=target,
                extra={"kind": kind},
                audit_data={"target": target.number, "kind": kind},
                payload={"ticket": ticket.number, "other": target.number, "kind": kind},
            ),
            at=ticket.updated_at,
        )
        record(
            changes.related(
                target,
                Kind.LINK_NOTED,
                actor=actor,
                other=ticket,
                extra={"kind": kind, "direction": "from"},
            ),
            at=target.updated_at,
        )
    return link


def _same_customer(a: Ticket, b: Ticket) -> bool:
    """Both tickets were asked by the same contact, or by the same organization."""
    return a.requester_id == b.requester_id or (
        a.organization_id is not None and a.organization_id == b.organization_id
    )


def _check_watcher(user: User | None, contact: Contact | None) -> None:
    if (user is None) == (contact is None):
        message = _("Choose either a staff user or a contact.")
        raise ValidationFailed("watcher.invalid", message, fields={"user": message})
    if user is not None and not policies.is_staff_user(user):
        message = _("Only active service staff can watch as users; add customers as contacts.")
        raise ValidationFailed("watcher.invalid", message, fields={"user": message})


def watcher_add(
    *,
    actor: User,
    ticket: Ticket,
    user: User | None = None,
    contact: Contact | None = None,
    _locked: bool = False,
) -> TicketWatcher | None:
    """Add a staff user or a customer contact as a watcher (who may then see the ticket).

    Staff only. An existing watcher is left alone (returns None, nothing changes). Otherwise the
    ticket gets an internal timeline entry and a new version; with ``_locked`` the caller holds
    the ticket's lock and saves it.
    """
    if not _locked:
        require_visible(actor, ticket)
        require_staff(actor)
    _check_watcher(user, contact)
    lookup = {"user": user} if user is not None else {"contact": contact}
    with transaction.atomic():
        if not _locked:
            ticket = lock_ticket(ticket)
        if TicketWatcher.objects.filter(ticket=ticket, **lookup).exists():
            return None
        try:
            with transaction.atomic():
                watcher = TicketWatcher.objects.create(ticket=ticket, **lookup)
        except IntegrityError:  # added at the same moment by someone else
            return None
        if not _locked:
            touch(ticket)
        record(changes.watcher_added(ticket, actor=actor, watcher=watcher))
    return watcher


def watchers_copied_add(
    *, actor: User, ticket: Ticket, contacts: Sequence[Contact]
) -> list[TicketWatcher]:
    """People copied on a message that made or answered the ticket (a mail's Cc) watch it.

    ``actor`` wrote the message and can see the ticket (its requester side, or staff replying by
    mail). Each new watcher gets the same timeline entry and audit event as ``watcher_add``;
    the requester and existing watchers are skipped; one version step for all of them.
    """
    require_visible(actor, ticket)
    added: list[TicketWatcher] = []
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        for contact in contacts:
            if contact.pk == ticket.requester_id:
                continue
            watcher = watcher_add(actor=actor, ticket=ticket, contact=contact, _locked=True)
            if watcher is not None:
                added.append(watcher)
        if added:
            touch(ticket)
    return added


def watcher_remove(*, actor: User, ticket: Ticket, watcher_id: int) -> None:
    """Stop someone watching the ticket (staff only); an unknown watcher is ``NotFound``."""
    require_visible(actor, ticket)
    require_staff(actor)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        watcher = (
            TicketWatcher.objects.select_related("user", "contact")
            .filter(ticket=ticket, pk=watcher_id)
            .first()
        )
        if watcher is None:
            raise NotFound("watcher.not_found", _("This ticket has no such watcher."))
        data = {"watcher": watcher.pk, "user": watcher.user_id, "contact": watcher.contact_id}
        who = str(watcher)
        watcher.delete()
        touch(ticket)
        record(
            changes.watcher_removed(ticket, actor=actor, who=who, data=data), at=ticket.updated_at
        )


def ticket_merge(*, actor: User, source: Ticket, target: Ticket) -> Ticket:
    """Fold the duplicate ``source`` into ``target`` (both of the same customer).

    The source's comments, attachments and their timeline entries move to the target, and so do
    its child tickets; the source's requester becomes a watcher of the target; the source is
    closed with ``merged_into`` set and both timelines say so. Tickets of different customers
    (neither the same requester nor the same organization) are refused with
    ``merge.other_customer``. Locks both tickets, lower id first.
    """
    require_visible(actor, source)
    require_visible(actor, target)
    require_staff(actor)
    if source.pk == target.pk:
        raise ValidationFailed("merge.self", _("A ticket cannot be merged into itself."))
    with transaction.atomic():
        source, target = _lock_pair(source, target)
        if source.merged_into_id or source.status in FINAL_STATUSES:
            raise ValidationFailed("merge.closed", _("Only an open ticket can be merged."))
        if target.merged_into_id or target.status in FINAL_STATUSES:
            raise ValidationFailed(
                "merge.target_closed", _("The ticket to merge into must be open.")
            )
        if not _same_customer(source, target):
            raise ValidationFailed(
                "merge.other_customer",
                _("Only tickets of the same requester or organization can be merged."),
            )
        now = timezone.now()
        moved = Comment.objects.filter(ticket=source).update(ticket=target)
        Attachment.objects.filter(ticket=source).update(ticket=target)
        TimelineEntry.objects.filter(
            ticket=source,
            kind__in=[TimelineKind.REPLY, TimelineKind.NOTE, TimelineKind.ATTACHMENT],
        ).update(ticket=target)
        children = list(Ticket.objects.filter(parent=source).exclude(pk=target.pk).order_by("id"))
        Ticket.objects.filter(pk__in=[c.pk for c in children]).update(
            parent=target,
            version=F("version") + 1,
            updated_at=now,
        )
        old_status = source.status
        source.status = Status.CLOSED
        source.closed_at = now
        source.merged_into = target
        touch(source, "status", "closed_at", "merged_into")
        hooks.status_changed(source, old=old_status, new=Status.CLOSED, now=now)  # clocks stop
        record(
            changes.status_changed(
                source, actor=actor, old=old_status, new=Status.CLOSED, noted=True
            ),
            at=source.updated_at,
        )
        close_for_ticket(source, actor=actor)
        touch(target)
        if source.requester_id != target.requester_id:
            watcher_add(actor=actor, ticket=target, contact=source.requester, _locked=True)
        record(
            changes.related(
                target,
                Kind.MERGED_FROM_NOTED,
                actor=actor,
                other=source,
                extra={"comments": moved},
            ),
            *[
                changes.related(
                    target,
                    Kind.CHILD_NOTED,
                    actor=actor,
                    other=child,
                    extra={"moved_from": source.number},
                )
                for child in children
            ],
            at=target.updated_at,
        )
        record(
            changes.related(
                source,
                Kind.MERGED,
                actor=actor,
                other=target,
                audit_data={
                    "into": target.number,
                    "comments": moved,
                    "children": [c.number for c in children],
                },
                payload={"ticket": source.number, "into": target.number},
            ),
            at=source.updated_at,
        )
    return target
