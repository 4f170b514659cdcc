"""API shapes for tickets and what hangs off them. Tickets are addressed by their number."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field, field_validator

from gongdan.accounts.schemas import TeamRef, UserRef
from gongdan.core.api_support import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, InputSchema
from gongdan.customers.schemas import OrganizationRef
from gongdan.tickets import hooks
from gongdan.tickets.choices import Channel, LinkKind, Priority, Status
from gongdan.tickets.models import Attachment, Ticket, TicketWatcher, TimelineEntry
from gongdan.tickets.policies import is_staff_user
from gongdan.tickets.presenters import describe
from gongdan.tickets.selectors import DEFAULT_SORT, ticket_numbers_visible

Title = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=50_000)]
TagName = Annotated[str, Field(min_length=1, max_length=50)]
Number = Annotated[str, Field(min_length=1, max_length=32)]
SortKey = Literal[
    "-updated",
    "updated",
    "-created",
    "created",
    "-priority",
    "priority",
    "due",
    "-due",
    "number",
    "-number",
    "status",
    "-status",
    "requester",
    "-requester",
    "assignee",
    "-assignee",
    "team",
    "-team",
]


class LabelRef(Schema):
    """A ticket type or category: ``name`` is in the reader's language."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.label)


class TicketTypeRef(LabelRef):
    code: str


class ContactRef(Schema):
    id: int
    name: str


def _if_visible(number: str | None, known: bool | None, context: dict[str, Any]) -> str | None:
    """``number`` if the caller may open that ticket, else None.

    Lists annotate the answer (``selectors.with_related_visibility``); a single ticket asks.
    """
    if number is None or known is not None:
        return number if known else None
    user = context["request"].auth
    return number if number in ticket_numbers_visible(user=user, numbers=[number]) else None


class SlaClockOut(Schema):
    """One SLA target of a ticket and its clock."""

    target: Literal["first_response", "next_response", "resolution"]
    target_minutes: int = Field(description="The promise, in minutes.")
    business_time: bool = Field(description="Counted in business hours (else around the clock).")
    state: Literal["running", "paused", "met", "breached", "stopped"]
    due_at: datetime | None = Field(description="When it is due; null while paused or stopped.")
    met_at: datetime | None
    breached_at: datetime | None
    remaining_minutes: int | None = Field(
        description="Target time left on the clock's own time (negative: overdue); "
        "null when the clock does not run."
    )


class TicketSlaOut(Schema):
    """A ticket's SLA: the next due time and one clock per target (null: no such target)."""

    due_at: datetime | None = Field(description="The earliest due time of a running clock.")
    breached_at: datetime | None = Field(description="When the ticket first breached a target.")
    first_response: SlaClockOut | None
    next_response: SlaClockOut | None
    resolution: SlaClockOut | None


class TicketOut(Schema):
    number: str
    title: str
    description: str
    status: Status
    priority: Priority
    channel: Channel
    ticket_type: TicketTypeRef
    category: LabelRef | None
    team: TeamRef | None
    assignee: UserRef | None
    requester: ContactRef
    organization: OrganizationRef | None
    tags: list[str]
    parent: str | None = Field(
        description="Number of the parent ticket; null also when the caller may not open it."
    )
    merged_into: str | None = Field(
        description="Number of the ticket this one was merged into; null also when the caller "
        "may not open it."
    )
    version: int = Field(description="Send it back as If-Match (or `version`) when you PATCH.")
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    sla: TicketSlaOut | None = Field(
        description="SLA targets, due times and clocks (staff; null for customers)."
    )

    @staticmethod
    def resolve_sla(obj: Ticket, context: dict[str, Any] | None) -> dict[str, Any] | None:
        user = getattr((context or {}).get("request"), "auth", None)
        if user is None or not is_staff_user(user):
            return None
        return hooks.sla_of(obj)

    @staticmethod
    def resolve_tags(obj: Ticket) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_parent(obj: Ticket, context: dict[str, Any]) -> str | None:
        number = obj.parent.number if obj.parent_id and obj.parent else None
        return _if_visible(number, getattr(obj, "parent_visible", None), context)

    @staticmethod
    def resolve_merged_into(obj: Ticket, context: dict[str, Any]) -> str | None:
        number = obj.merged_into.number if obj.merged_into_id and obj.merged_into else None
        return _if_visible(number, getattr(obj, "merged_into_visible", None), context)


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None
    prev_cursor: str | None


class TicketIn(InputSchema):
    title: Title
    description: Text = ""
    ticket_type: int | None = Field(default=None, description="Ticket type id (default: first).")
    category: int | None = None
    priority: Priority = Priority.NORMAL
    channel: Channel = Channel.API
    requester: int | None = Field(default=None, description="Contact id (staff only).")
    team: int | None = Field(
        default=None,
        description="Team id (staff only); absent: the type's default team, null: no team.",
    )
    assignee: int | None = Field(default=None, description="User id (staff only).")
    tags: list[TagName] = Field(default_factory=list, max_length=20)


_NOT_NULL = ("title", "description", "priority", "ticket_type", "tags")


class TicketPatch(InputSchema):
    """Only the fields sent are changed; ``category``, ``team`` and ``assignee`` accept null."""

    version: int | None = Field(default=None, ge=1, description="Alternative to If-Match.")
    title: Title | None = None
    description: Text | None = None
    priority: Priority | None = None
    ticket_type: int | None = None
    category: int | None = None
    team: int | None = None
    assignee: int | None = None
    tags: list[TagName] | None = Field(default=None, max_length=20)

    @field_validator(*_NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("This field may not be null.")
        return value


class TicketFilterFields(Schema):
    """The workspace's filters (``tickets.selectors.TicketFilters``), as the API names them:
    ``tickets_list`` adds paging, ``tickets_export`` the file format and columns."""

    view: Literal[
        "mine", "unassigned", "open", "due", "breached", "pending", "resolved", "all", ""
    ] = ""
    status: list[Status] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    ticket_type: int | None = None
    category: int | None = None
    team: int | None = None
    assignee: str = Field(
        default="", pattern=r"^(|me|none|\d{1,18})$", description='"me", "none" or a user id.'
    )
    channel: Channel | None = None
    tag: str = Field(default="", max_length=50)
    organization: int | None = None
    requester: int | None = None
    number: str = Field(default="", max_length=32)
    created_from: date | None = None
    created_to: date | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    resolved_from: date | None = None
    resolved_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    sla: Literal["breached", "met", ""] = Field(
        default="",
        description='"breached": missed an SLA target; "met": resolved with no target missed.',
    )
    reopened: bool = Field(default=False, description="Only tickets reopened at least once.")
    sort: SortKey = DEFAULT_SORT  # type: ignore[assignment]


class TicketListQuery(TicketFilterFields):
    """The workspace's filters plus paging."""

    cursor: str | None = Field(default=None, max_length=500)
    size: int = Field(default=PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX)


class TransitionIn(InputSchema):
    to: Status
    comment: Text = Field(default="", description="Required when reopening or cancelling.")
    version: int | None = Field(default=None, ge=1, description="Optional; or If-Match.")


class HurryIn(InputSchema):
    note: str = Field(default="", max_length=500, description="Why it is urgent (optional).")


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    internal: bool = Field(alias="is_internal")
    created_at: datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Attachment) -> str:
        return reverse("api:attachments_download", kwargs={"attachment_id": obj.pk})


class CommentOut(Schema):
    id: int
    body: str = Field(description="Plain text, stored as typed (HTML is not interpreted).")
    internal: bool = Field(alias="is_internal")
    author: str = Field(alias="author_name")
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Attachment]:
        return list(obj.attachments.all())


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None
    prev_cursor: str | None


class TimelineEntryOut(Schema):
    id: int
    kind: str = Field(description="Stable dotted type, e.g. ticket.status_changed, comment.reply.")
    text: str = Field(description="The entry as a sentence in the caller's language.")
    actor: str = Field(alias="actor_label")
    internal: bool = Field(alias="is_internal")
    comment_id: int | None
    data: dict[str, Any] = Field(description="What changed: old/new values and their labels.")
    created_at: datetime

    @staticmethod
    def resolve_text(obj: TimelineEntry) -> str:
        return describe(obj)


class TimelinePage(Schema):
    items: list[TimelineEntryOut]
    next_cursor: str | None
    prev_cursor: str | None


class CommentIn(InputSchema):
    body: Annotated[str, Field(min_length=1, max_length=50_000)]
    internal: bool = Field(default=False, description="An internal note (staff only).")


class ChildIn(InputSchema):
    title: Title
    description: Text = ""
    ticket_type: int | None = Field(default=None, description="Default: the parent's type.")
    team: int | None = None
    assignee: int | None = None
    priority: Priority | None = None


class LinkIn(InputSchema):
    target: Number = Field(description="Number of the other ticket.")
    kind: LinkKind = LinkKind.RELATED


class LinkOut(Schema):
    source: str
    target: str
    kind: LinkKind
    created_at: datetime

    @staticmethod
    def resolve_source(obj: Any) -> str:
        return str(obj.source.number)

    @staticmethod
    def resolve_target(obj: Any) -> str:
        return str(obj.target.number)


class MergeIn(InputSchema):
    into: Number = Field(description="Number of the ticket that absorbs this one.")


class WatcherIn(InputSchema):
    """Exactly one of ``user`` (an active staff user) or ``contact``."""

    user: int | None = Field(default=None, description="Staff user id.")
    contact: int | None = Field(default=None, description="Contact id.")


class WatcherOut(Schema):
    id: int
    user: UserRef | None
    contact: ContactRef | None
    name: str = Field(description="The watching user's or contact's name.")

    @staticmethod
    def resolve_name(obj: TicketWatcher) -> str:
        return str(obj)
