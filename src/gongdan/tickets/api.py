"""/api/v1/tickets and /attachments: parse, call one service or selector, render.

Tickets are addressed by number. Visibility comes from the selectors (``ticket_get`` answers 404
for a ticket the caller may not see); permissions from the services (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import User
from gongdan.accounts.selectors import team_list, user_list
from gongdan.core.api_support import (
    ERRORS,
    ErrorOut,
    PageQuery,
    expected_version,
    file_download,
    paginate,
    pick,
)
from gongdan.core.downloads import stored_file_response
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.core.pagination import Page
from gongdan.customers.selectors import contact_list
from gongdan.tickets import hooks, policies, refdata, selectors, services
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import (
    Attachment,
    Category,
    Comment,
    Ticket,
    TicketLink,
    TicketWatcher,
    TimelineEntry,
)
from gongdan.tickets.schemas import (
    AttachmentOut,
    ChildIn,
    CommentIn,
    CommentOut,
    CommentPage,
    HurryIn,
    LinkIn,
    LinkOut,
    MergeIn,
    TicketIn,
    TicketListQuery,
    TicketOut,
    TicketPage,
    TicketPatch,
    TimelinePage,
    TransitionIn,
    WatcherIn,
    WatcherOut,
)
from gongdan.tickets.selectors import TicketFilters

router = Router(tags=["tickets"])
WRITE_ERRORS = {**ERRORS, 409: ErrorOut, 428: ErrorOut}
UPLOAD_ERRORS = {**ERRORS, 413: ErrorOut}


def _refs(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the ids of a request body into rows the caller may use (unknown → 422)."""
    resolvers: dict[str, Callable[[], QuerySet[Any]]] = {
        "category": Category.objects.all,
        "team": lambda: team_list(user=actor),
        "assignee": lambda: user_list(user=actor),
        "requester": lambda: contact_list(user=actor),
    }
    refs = {
        key: pick(resolvers[key](), value, field=key) if key in resolvers else value
        for key, value in data.items()
    }
    if data.get("ticket_type") is not None:  # types are few and read by every creation: cached
        refs["ticket_type"] = refdata.ticket_type_get(data["ticket_type"])
        if refs["ticket_type"] is None:
            message = _("Unknown or inaccessible id %(id)s.") % {"id": data["ticket_type"]}
            raise ValidationFailed("invalid_reference", message, fields={"ticket_type": message})
    return refs


def _with_etag(response: HttpResponse, ticket: Ticket) -> Ticket:
    response["ETag"] = ticket.etag
    return ticket


@router.get("/tickets", response={200: TicketPage, **ERRORS}, operation_id="tickets_list")
def tickets_list(request: HttpRequest, query: Query[TicketListQuery]) -> Page[Ticket]:
    """Tickets the caller may see, filtered like the workspace; keyset-paged, stable order."""
    params = query.model_dump(exclude={"cursor", "size"})
    filters = TicketFilters(**params | {"channel": params["channel"] or ""})
    user = api_user(request)
    qs = selectors.ticket_list(user=user, filters=filters)
    # parent / merged_into are shown as numbers: join them so a page stays one query.
    qs = selectors.with_related_visibility(qs.select_related("parent", "merged_into"), user=user)
    if policies.is_staff_user(user):  # staff see the SLA: a page's clocks in one more query
        qs = qs.prefetch_related(*hooks.sla_prefetches())
    # ticket_list may settle the sort (the "due" view is sorted by due time unless told otherwise).
    return paginate(
        qs, ordering=selectors.ordering_for(filters.sort), size=query.size, cursor=query.cursor
    )


@router.post("/tickets", response={201: TicketOut, **WRITE_ERRORS}, operation_id="tickets_create")
def tickets_create(
    request: HttpRequest, payload: TicketIn, response: HttpResponse
) -> Status[Ticket]:
    """Open a ticket. Customers open tickets for themselves; staff name the requester contact.

    ``team``, ``assignee``, ``requester`` and ``tags`` are for staff only (403 for customers).
    """
    actor = api_user(request)
    data = payload.model_dump(exclude_unset=True)
    if not policies.is_staff_user(actor) and data.keys() & {
        "requester",
        "team",
        "assignee",
        "tags",
    }:
        raise Forbidden("permission.staff_only", _("Only service staff may set these fields."))
    # An absent team means "the type's default team"; only a team that was sent is passed on.
    kwargs = payload.model_dump(exclude={"team"}) | _refs(actor, data)
    ticket = services.ticket_create(actor=actor, **kwargs)
    return Status(201, _with_etag(response, ticket))


@router.get("/tickets/{number}", response={200: TicketOut, **ERRORS}, operation_id="tickets_get")
def tickets_get(request: HttpRequest, number: str, response: HttpResponse) -> Ticket:
    """One ticket by number (404 when it does not exist or is not yours); sets ``ETag``."""
    ticket = selectors.ticket_get(user=api_user(request), number=number)
    return _with_etag(response, ticket)


@router.patch(
    "/tickets/{number}", response={200: TicketOut, **WRITE_ERRORS}, operation_id="tickets_update"
)
def tickets_update(
    request: HttpRequest,
    number: str,
    payload: TicketPatch,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Ticket:
    """Change fields of a ticket (staff only; customers get 403).

    The version is **required**: send the ``ETag`` of ``tickets_get`` as ``If-Match`` (or the
    ticket's ``version`` in the body). A missing version is 428; a stale one is 409 and nothing
    changes. ``If-Match: *`` deliberately overwrites whatever version is current.
    ``assignee`` (null = back to the queue) is applied in the same transaction.
    """
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    version = expected_version(if_match, payload.version, required=True)
    changes = _refs(actor, payload.model_dump(exclude_unset=True, exclude={"version"}))
    assign = "assignee" in changes
    assignee = changes.pop("assignee", None)
    with transaction.atomic():
        ticket = services.ticket_update(
            actor=actor, ticket=ticket, expected_version=version, **changes
        )
        if assign:
            ticket = services.ticket_assign(
                actor=actor, ticket=ticket, assignee=assignee, expected_version=ticket.version
            )
    # Not re-read through the selector: moving a ticket to another team may hide it from the
    # agent who just made the change, and the answer still describes the saved ticket.
    return _with_etag(response, ticket)


@router.post(
    "/tickets/{number}/hurry",
    response={200: TicketOut, **WRITE_ERRORS},
    operation_id="tickets_hurry",
)
def tickets_hurry(
    request: HttpRequest, number: str, payload: HurryIn, response: HttpResponse
) -> Ticket:
    """催办: the customer asks the service desk to hurry up (open tickets, once per interval).

    Too soon after the last request: 429 ``ticket.hurry_too_soon``; staff get 403.
    """
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    ticket = services.ticket_hurry(actor=actor, ticket=ticket, note=payload.note)
    return _with_etag(response, ticket)


@router.post(
    "/tickets/{number}/transitions",
    response={200: TicketOut, **WRITE_ERRORS},
    operation_id="tickets_transition",
)
def tickets_transition(
    request: HttpRequest,
    number: str,
    payload: TransitionIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Ticket:
    """Move a ticket through the workflow (``{"to": "resolved", "comment": "..."}``).

    An illegal move is 422 ``ticket.illegal_transition``. A version (If-Match or ``version``) is
    optional here; when sent, a stale one is 409.
    """
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    ticket = services.ticket_transition(
        actor=actor,
        ticket=ticket,
        to=payload.to,
        comment=payload.comment,
        expected_version=expected_version(if_match, payload.version, required=False),
    )
    return _with_etag(response, ticket)


@router.get(
    "/tickets/{number}/comments",
    response={200: CommentPage, **ERRORS},
    operation_id="comments_list",
)
def comments_list(request: HttpRequest, number: str, page: Query[PageQuery]) -> Page[Comment]:
    """Replies (and, for staff, internal notes) oldest first; keyset-paged."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    qs = selectors.comment_list(user=actor, ticket=ticket)
    return paginate(qs, ordering=["created_at", "id"], size=page.size, cursor=page.cursor)


@router.get(
    "/tickets/{number}/timeline",
    response={200: TimelinePage, **ERRORS},
    operation_id="tickets_timeline",
)
def tickets_timeline(
    request: HttpRequest, number: str, page: Query[PageQuery]
) -> Page[TimelineEntry]:
    """The ticket's history oldest first: changes, replies, notes and files. Customers get only
    the public entries; keyset-paged."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    qs = selectors.timeline_list(user=actor, ticket=ticket)
    result = paginate(qs, ordering=["created_at", "id"], size=page.size, cursor=page.cursor)
    selectors.timeline_hide_others(user=actor, entries=result.items)  # in place
    return result


@router.post(
    "/tickets/{number}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    operation_id="comments_create",
)
def comments_create(request: HttpRequest, number: str, payload: CommentIn) -> Status[Comment]:
    """Add a public reply, or (``internal: true``, staff only) an internal note."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    comment = services.comment_create(
        actor=actor,
        ticket=ticket,
        body=payload.body,
        is_internal=payload.internal,
        channel=Channel.API,
    )
    return Status(201, comment)


@router.post(
    "/tickets/{number}/attachments",
    response={201: AttachmentOut, **UPLOAD_ERRORS},
    operation_id="attachments_upload",
)
def attachments_upload(
    request: HttpRequest,
    number: str,
    file: File[UploadedFile],
    internal: Form[bool] = False,
) -> Status[Attachment]:
    """Upload one file (multipart ``file``); ``internal`` files are staff-only.

    Too large: 413 ``attachment.too_large``; a type not allowed: 422
    ``attachment.forbidden_type``.
    """
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    attachment = services.attachment_add(
        actor=actor, ticket=ticket, upload=file, is_internal=internal
    )
    return Status(201, attachment)


@router.get(
    "/attachments/{attachment_id}",
    response=ERRORS,
    operation_id="attachments_download",
    url_name="attachments_download",
    openapi_extra=file_download("The file, as a download"),
)
def attachments_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Download a file of a ticket you can see; internal files only for staff (else 404)."""
    attachment = selectors.attachment_get(user=api_user(request), pk=attachment_id)
    return stored_file_response(attachment)


@router.post(
    "/tickets/{number}/children",
    response={201: TicketOut, **WRITE_ERRORS},
    operation_id="tickets_children_create",
)
def tickets_children_create(request: HttpRequest, number: str, payload: ChildIn) -> Status[Ticket]:
    """Split part of the work into a child ticket (staff only), e.g. for another team."""
    actor = api_user(request)
    parent = selectors.ticket_get(user=actor, number=number)
    child = services.ticket_create_child(
        actor=actor, parent=parent, **_refs(actor, payload.model_dump())
    )
    return Status(201, child)


@router.post(
    "/tickets/{number}/links", response={201: LinkOut, **WRITE_ERRORS}, operation_id="tickets_link"
)
def tickets_link(request: HttpRequest, number: str, payload: LinkIn) -> Status[TicketLink]:
    """Link this ticket to another one you can see (``related`` or ``duplicate_of``)."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    target = selectors.ticket_get(user=actor, number=payload.target)
    link = services.ticket_link(actor=actor, ticket=ticket, target=target, kind=payload.kind)
    return Status(201, link)


@router.post(
    "/tickets/{number}/merge",
    response={200: TicketOut, **WRITE_ERRORS},
    operation_id="tickets_merge",
)
def tickets_merge(
    request: HttpRequest, number: str, payload: MergeIn, response: HttpResponse
) -> Ticket:
    """Merge this (duplicate) ticket into ``into``; answers with the surviving ticket."""
    actor = api_user(request)
    source = selectors.ticket_get(user=actor, number=number)
    target = selectors.ticket_get(user=actor, number=payload.into)
    return _with_etag(response, services.ticket_merge(actor=actor, source=source, target=target))


@router.get(
    "/tickets/{number}/watchers",
    response={200: list[WatcherOut], **ERRORS},
    operation_id="tickets_watchers_list",
)
def tickets_watchers_list(request: HttpRequest, number: str) -> list[TicketWatcher]:
    """Who is told about the ticket's progress: staff users and customer contacts."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    return selectors.watcher_list(user=actor, ticket=ticket)


@router.post(
    "/tickets/{number}/watchers",
    response={200: WatcherOut, 201: WatcherOut, **ERRORS},
    operation_id="tickets_watchers_add",
)
def tickets_watchers_add(
    request: HttpRequest, number: str, payload: WatcherIn
) -> Status[TicketWatcher]:
    """Add a watcher (staff only): ``{"user": id}`` for staff or ``{"contact": id}``.

    201 with the new watcher; 200 with the existing one when they already watch the ticket.
    A watcher may see the ticket from then on.
    """
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    if not policies.is_staff_user(actor):
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))
    user = pick(user_list(user=actor), payload.user, field="user")
    contact = pick(contact_list(user=actor), payload.contact, field="contact")
    watcher = services.watcher_add(actor=actor, ticket=ticket, user=user, contact=contact)
    if watcher is not None:
        return Status(201, watcher)
    existing = next(
        w
        for w in selectors.watcher_list(user=actor, ticket=ticket)
        if (w.user_id, w.contact_id) == (getattr(user, "pk", None), getattr(contact, "pk", None))
    )
    return Status(200, existing)


@router.delete(
    "/tickets/{number}/watchers/{watcher_id}",
    response={204: None, **ERRORS},
    operation_id="tickets_watchers_remove",
)
def tickets_watchers_remove(request: HttpRequest, number: str, watcher_id: int) -> Status[None]:
    """Stop someone watching the ticket (staff only); 404 for a watcher of another ticket."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    services.watcher_remove(actor=actor, ticket=ticket, watcher_id=watcher_id)
    return Status(204, None)
