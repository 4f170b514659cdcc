"""Reading tickets. Every selector takes the user and applies the visibility policy first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import Membership, User
from gongdan.core.errors import NotFound
from gongdan.tickets import counts, policies
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.counts import Buckets
from gongdan.tickets.models import (
    Attachment,
    Category,
    Comment,
    ListPreference,
    SavedView,
    Tag,
    Ticket,
    TicketLink,
    TicketSeen,
    TicketType,
    TicketWatcher,
    TimelineEntry,
)


class View:
    """Named workspace views ("queues"); each is a fixed filter on top of visibility."""

    MINE = "mine"
    UNASSIGNED = "unassigned"
    ALL_OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    DUE = "due"  # open tickets with a running SLA clock, soonest due first
    BREACHED = "breached"  # open tickets that missed an SLA target
    ALL = "all"


STAFF_VIEWS = [
    View.MINE,
    View.UNASSIGNED,
    View.ALL_OPEN,
    View.DUE,
    View.BREACHED,
    View.PENDING,
    View.RESOLVED,
    View.ALL,
]

SORTS: dict[str, list[str]] = {
    "-updated": ["-updated_at", "-id"],
    "updated": ["updated_at", "id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
    "-priority": ["-priority_rank", "-updated_at", "-id"],
    "priority": ["priority_rank", "updated_at", "id"],
    # Tickets with no running SLA clock come last either way (a sort key stands in for "none").
    "due": ["due_sort", "id"],
    "-due": ["-due_sort_desc", "-id"],
    "-number": ["-number", "-id"],
    "number": ["number", "id"],
    "status": ["status_rank", "-updated_at", "-id"],
    "-status": ["-status_rank", "-updated_at", "-id"],
    "requester": ["requester_sort", "id"],
    "-requester": ["-requester_sort", "-id"],
    "assignee": ["assignee_sort", "id"],
    "-assignee": ["-assignee_sort", "-id"],
    "team": ["team_sort", "id"],
    "-team": ["-team_sort", "-id"],
}
#: The due view holds only tickets with a running clock: sorted on the column itself (the
#: ticket_sla_due_idx partial index) instead of the "no clock comes last" sort key.
_DUE_VIEW_SORT = ["sla_due_at", "id"]
_FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
_FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)
_STATUS_ORDER = [
    Status.NEW,
    Status.REOPENED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.PENDING,
    Status.RESOLVED,
    Status.CLOSED,
    Status.CANCELLED,
]


def _sort_annotations() -> dict[str, Any]:
    """The computed sort keys of ``SORTS`` (never null, so keyset cursors can hold them)."""
    return {
        "due_sort": Coalesce("sla_due_at", Value(_FAR_FUTURE), output_field=DateTimeField()),
        "due_sort_desc": Coalesce("sla_due_at", Value(_FAR_PAST), output_field=DateTimeField()),
        "status_rank": Case(
            *[When(status=s, then=Value(i)) for i, s in enumerate(_STATUS_ORDER)],
            default=Value(len(_STATUS_ORDER)),
            output_field=IntegerField(),
        ),
        "requester_sort": Coalesce(F("requester__name"), Value(""), output_field=CharField()),
        "assignee_sort": Coalesce(
            NullIf(F("assignee__display_name"), Value("")),
            F("assignee__username"),
            Value("\uffff"),  # unassigned last (ascending)
            output_field=CharField(),
        ),
        "team_sort": Coalesce(F("team__name"), Value("\uffff"), output_field=CharField()),
    }


DEFAULT_SORT = "-updated"


@dataclass
class TicketFilters:
    """Everything a list can be narrowed by; empty means "any"."""

    view: str = ""
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    ticket_type: int | None = None
    category: int | None = None
    team: int | None = None
    assignee: str = ""  # "me", "none" or a user id
    channel: str = ""
    tag: str = ""
    organization: int | None = None
    requester: int | None = None
    number: str = ""
    created_from: date | None = None
    created_to: date | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    # Drill-down from the reports (gongdan.reports.filters.DRILL_PARAMS): local days, inclusive.
    resolved_from: date | None = None
    resolved_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    sla: str = ""  # "breached": missed an SLA target; "met": resolved with no target missed
    reopened: bool = False  # reopened at least once
    sort: str = DEFAULT_SORT


# Dates outside this range are clamped: the far ends of the calendar overflow once converted to
# UTC or moved by a day, and no ticket lives there.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_ID = 2**63 - 1


def _day_start(day: date) -> datetime:
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return timezone.make_aware(datetime.combine(day, time.min))


def _clean_ids(f: TicketFilters) -> bool:
    """False when an id filter cannot match any row (negative or beyond a 64-bit key)."""
    ids = [f.ticket_type, f.category, f.team, f.organization, f.requester]
    if f.assignee.isdigit():
        ids.append(int(f.assignee))
    return all(i is None or 0 < i <= MAX_ID for i in ids)


def _clean_text(f: TicketFilters) -> None:
    """NUL characters cannot be sent to PostgreSQL and are never part of a real value."""
    for name in ("tag", "number", "channel", "assignee", "view", "sort", "sla"):
        setattr(f, name, str(getattr(f, name) or "").replace("\x00", ""))


def _view_filter(user: User, view: str) -> Q:
    if view == View.MINE:
        return Q(assignee=user, is_open=True)
    if view == View.UNASSIGNED:
        my_teams = Membership.objects.filter(user=user).values("team_id")
        return Q(assignee__isnull=True, is_open=True) & (
            Q(team__in=my_teams) | Q(team__isnull=True)
        )
    if view == View.ALL_OPEN:
        return Q(is_open=True)
    if view == View.PENDING:
        return Q(status=Status.PENDING)
    if view == View.RESOLVED:
        return Q(status=Status.RESOLVED)
    if view == View.DUE:
        return Q(is_open=True, sla_due_at__isnull=False)
    if view == View.BREACHED:
        return Q(is_open=True, sla_breached_at__isnull=False)
    return Q()


def _field_filters(user: User, f: TicketFilters) -> Q:  # noqa: C901 - one line per filter
    q = Q()
    if f.status:
        q &= Q(status__in=f.status)
    if f.priority:
        q &= Q(priority__in=f.priority)
    if f.ticket_type:
        q &= Q(ticket_type_id=f.ticket_type)
    if f.category:
        q &= Q(category_id=f.category)
    if f.team:
        q &= Q(team_id=f.team)
    if f.assignee == "me":
        q &= Q(assignee=user)
    elif f.assignee == "none":
        q &= Q(assignee__isnull=True)
    elif f.assignee.isdigit():
        q &= Q(assignee_id=int(f.assignee))
    if f.channel:
        q &= Q(channel=f.channel)
    if f.tag:
        q &= Q(tags__name=f.tag)
    if f.organization:
        q &= Q(organization_id=f.organization)
    if f.requester:
        q &= Q(requester_id=f.requester)
    if f.number:
        q &= Q(number=f.number.strip().upper())
    if f.created_from:
        q &= Q(created_at__gte=_day_start(f.created_from))
    if f.created_to:
        q &= Q(created_at__lt=_day_start(min(f.created_to, LAST_DAY) + timedelta(days=1)))
    if f.updated_from:
        q &= Q(updated_at__gte=_day_start(f.updated_from))
    if f.updated_to:
        q &= Q(updated_at__lt=_day_start(min(f.updated_to, LAST_DAY) + timedelta(days=1)))
    return q & _drill_filters(f)


def _day_range(name: str, start: date | None, end: date | None) -> Q:
    """``name`` within the local days ``start``..``end`` (inclusive; either may be open)."""
    q = Q()
    if start:
        q &= Q(**{f"{name}__gte": _day_start(start)})
    if end:
        q &= Q(**{f"{name}__lt": _day_start(min(end, LAST_DAY) + timedelta(days=1))})
    return q


def _drill_filters(f: TicketFilters) -> Q:
    """The report drill-down filters: when resolved or closed, the SLA outcome, reopened."""
    q = _day_range("resolved_at", f.resolved_from, f.resolved_to)
    q &= _day_range("closed_at", f.closed_from, f.closed_to)
    if f.sla == "breached":
        q &= Q(sla_breached_at__isnull=False)
    elif f.sla == "met":
        q &= Q(resolved_at__isnull=False, sla_breached_at__isnull=True)
    if f.reopened:
        reopened = TimelineEntry.objects.filter(
            ticket=OuterRef("pk"), kind=TimelineKind.STATUS_CHANGED, data__new=Status.REOPENED
        )
        q &= Q(Exists(reopened))
    return q


LIST_LOOKUPS = ("organization", "team", "assignee", "ticket_type", "category")
#: The columns the workspace's ticket list shows, in its order (type, category and tags under the
#: title; the organization under the requester): what "Export" on the list writes by default.
LIST_COLUMNS = (
    "number",
    "title",
    "ticket_type",
    "category",
    "tags",
    "status",
    "priority",
    "sla_due_at",
    "requester",
    "organization",
    "team",
    "assignee",
    "updated_at",
)


def ticket_list(*, user: User, filters: TicketFilters | None = None) -> QuerySet[Ticket]:
    """Tickets ``user`` may see, narrowed by ``filters``, ordered by ``filters.sort``.

    The requester is joined; organization, team, assignee, type, category and tags are
    prefetched, so a page costs a constant number of queries whatever its size.
    """
    f = filters or TicketFilters()
    _clean_text(f)
    if f.view == View.DUE and f.sort == DEFAULT_SORT:
        f.sort = "due"
    if not _clean_ids(f):  # matches nothing, but pages (and sorts) like any other list
        qs = Ticket.objects.none()
    else:
        qs = Ticket.objects.filter(policies.ticket_visibility(user))
    if f.view:
        qs = qs.filter(_view_filter(user, f.view))
    qs = qs.filter(_field_filters(user, f))
    if f.tag:
        qs = qs.distinct()
    ordering = ordering_for(f.sort, view=f.view)
    keys = _sort_annotations()
    # Callers that page without naming the view (ordering_for(sort)) find their keys too.
    named = [*ordering, *ordering_for(f.sort)]
    needed = {name.lstrip("-") for name in named} & keys.keys()
    if needed:
        qs = qs.annotate(**{name: keys[name] for name in needed})
    # Only the requester is joined: PostgreSQL spends ~10 ms planning a 7-table join, while the
    # small lookup tables cost a trivially planned IN query each.
    return (
        qs.select_related("requester")
        .prefetch_related(*LIST_LOOKUPS, Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .order_by(*ordering)
    )


def ordering_for(sort: str, *, view: str = "") -> list[str]:
    """The keyset ordering of ``sort`` (unknown: the default); ends with the unique id."""
    if view == View.DUE and sort == "due":
        return _DUE_VIEW_SORT
    return SORTS.get(sort, SORTS[DEFAULT_SORT])


def view_counts(*, user: User) -> dict[str, int]:
    """How many tickets each workspace view holds for ``user``.

    Staff: from the maintained counters (``tickets.counts``), summed over the (team, assignee)
    pairs the user may see — two queries whatever the table's size — plus, for an agent, the
    tickets they watch outside their teams (one query bounded by their watch list). Others:
    counted from their own (few) tickets.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff_member):
        return _view_counts_scan(user)
    my_teams = set(Membership.objects.filter(user=user).values_list("team_id", flat=True))
    manager = user.sees_all_tickets
    totals = Buckets()
    mine = unassigned = 0
    for (team, assignee), buckets in counts.maintained().items():
        if assignee == user.pk:
            mine += buckets.open
        if assignee == 0 and (team == 0 or team in my_teams):
            unassigned += buckets.open
        if manager or team == 0 or team in my_teams or assignee == user.pk:
            totals.add(buckets)
    if not manager:
        totals.add(_watched_elsewhere(user, my_teams))
    return {
        View.MINE: mine,
        View.UNASSIGNED: unassigned,
        View.ALL_OPEN: totals.open,
        View.DUE: totals.due,
        View.BREACHED: totals.breached,
        View.PENDING: totals.pending,
        View.RESOLVED: totals.resolved,
    }


def _watched_elsewhere(user: User, my_teams: set[int]) -> Buckets:
    """An agent's watched tickets that the counters' pairs do not give them: of another team
    and assigned to someone else. Driven by the user's watch list, not the ticket table."""
    row = (
        TicketWatcher.objects.filter(
            counts.counted("ticket__"), user=user, ticket__team__isnull=False
        )
        .exclude(ticket__team_id__in=my_teams)
        .exclude(ticket__assignee=user)
        .aggregate(
            **{name: Count("pk", filter=q) for name, q in counts.bucket_filters("ticket__").items()}
        )
    )
    return Buckets(**{name: row[name] or 0 for name in counts.BUCKETS})


def _view_counts_scan(user: User) -> dict[str, int]:
    visible = Ticket.objects.filter(policies.ticket_visibility(user))
    return visible.aggregate(
        **{
            view: Count("pk", filter=_view_filter(user, view))
            for view in STAFF_VIEWS
            if view != View.ALL
        }
    )


#: Counts of arbitrary filters stop here: the list shows "999+" rather than reading on.
COUNT_LIMIT = 999


@dataclass(frozen=True)
class BoundedCount:
    """How many tickets match, up to ``COUNT_LIMIT``; ``more``: there are more than that."""

    n: int
    more: bool

    def __str__(self) -> str:
        return f"{self.n}+" if self.more else str(self.n)


def view_count_for_filters(user: User, filters: TicketFilters) -> BoundedCount:
    """How many visible tickets ``filters`` match (a saved view's), reading at most
    ``COUNT_LIMIT + 1`` rows (``COUNT(*)`` over a LIMITed subquery), whatever the table's size."""
    qs = ticket_list(user=user, filters=replace(filters)).order_by()
    n = qs.values("pk")[: COUNT_LIMIT + 1].count()
    return BoundedCount(n=min(n, COUNT_LIMIT), more=n > COUNT_LIMIT)


def ticket_get(*, user: User, number: str, for_update: bool = False) -> Ticket:
    """One visible ticket by number, or ``NotFound`` (also for tickets the user may not see)."""
    ticket = (
        Ticket.objects.filter(policies.ticket_visibility(user), number=str(number).strip())
        .select_related(
            "requester",
            "organization",
            "team",
            "assignee",
            "ticket_type",
            "category",
            "parent",
            "merged_into",
            "created_by",
        )
        .first()
    )
    if ticket is None:
        raise NotFound("ticket.not_found", _("Ticket not found."))
    return ticket


def comment_list(*, user: User, ticket: Ticket) -> QuerySet[Comment]:
    """Comments of a ticket the user can see; customers never get internal notes."""
    qs = Comment.objects.filter(ticket=ticket).select_related("author", "author_contact")
    if not policies.is_staff_user(user):
        qs = qs.filter(is_internal=False)
    return qs.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    ).order_by("created_at", "id")


def timeline_list(*, user: User, ticket: Ticket) -> QuerySet[TimelineEntry]:
    """The ticket's history; internal entries and notes are only for staff."""
    qs = TimelineEntry.objects.filter(ticket=ticket).select_related(
        "actor", "comment", "comment__author", "comment__author_contact"
    )
    if not policies.is_staff_user(user):
        qs = qs.filter(is_internal=False)
    return qs.prefetch_related(
        Prefetch("comment__attachments", queryset=Attachment.objects.order_by("id"))
    ).order_by("created_at", "id")


# Keys of a timeline entry's data that name another ticket by number.
OTHER_TICKET_KEYS = ("number", "moved_from")


def ticket_numbers_visible(*, user: User, numbers: Iterable[str | None]) -> set[str]:
    """Which of ``numbers`` name tickets ``user`` may open (one query; none for no numbers).

    A ticket page names other tickets (its parent, the ticket it was merged into, linked and
    merged tickets in its history): only these may be shown by number and title.
    """
    wanted = {n for n in numbers if n}
    if not wanted:
        return set()
    visible = Ticket.objects.filter(policies.ticket_visibility(user), number__in=wanted)
    return set(visible.values_list("number", flat=True))


def with_related_visibility(qs: QuerySet[Ticket], *, user: User) -> QuerySet[Ticket]:
    """``qs`` with ``parent_visible`` / ``merged_into_visible``: may ``user`` open those tickets.

    For lists that show the parent's and merge target's numbers: no query per row.
    """
    rule = policies.ticket_visibility(user)
    if not rule:  # an empty rule means "everything"
        return qs.annotate(parent_visible=Value(True), merged_into_visible=Value(True))
    visible = Ticket.objects.filter(rule)
    return qs.annotate(
        parent_visible=Exists(visible.filter(pk=OuterRef("parent_id"))),
        merged_into_visible=Exists(visible.filter(pk=OuterRef("merged_into_id"))),
    )


def timeline_hide_others(*, user: User, entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """``entries`` with other tickets the user may not open left unnamed (one query).

    Such an entry keeps its kind but loses the other ticket's number and title in memory (its
    ``data`` holds None instead; nothing is saved), so pages, the API and sentences built from
    it (``presenters.describe``) say "a ticket you cannot open".
    """
    rows = list(entries)
    named = {e.data.get(key) for e in rows if e.data for key in OTHER_TICKET_KEYS}
    visible = ticket_numbers_visible(user=user, numbers=named)
    for entry in rows:
        data = entry.data or {}
        hidden = [k for k in OTHER_TICKET_KEYS if data.get(k) and data[k] not in visible]
        if hidden:
            entry.data = {**data, **dict.fromkeys(hidden)}
            if "number" in hidden:
                entry.data.pop("title", None)
    return rows


def attachment_get(*, user: User, pk: int) -> Attachment:
    """An attachment on a visible ticket; internal files only for staff."""
    qs = Attachment.objects.select_related("ticket").filter(
        ticket__in=Ticket.objects.filter(policies.ticket_visibility(user)).values("pk"), pk=pk
    )
    if not policies.is_staff_user(user):
        qs = qs.filter(is_internal=False)
    attachment = qs.first()
    if attachment is None:
        raise NotFound("attachment.not_found", _("Attachment not found."))
    return attachment


def saved_view_list(*, user: User) -> list[SavedView]:
    """The saved views ``user`` may open: their own, then those shared with one of their teams
    or with everyone (staff only), each group by name. One query."""
    if not policies.is_staff_user(user):
        return []
    my_teams = Membership.objects.filter(user=user).values("team_id")
    shared = Q(visibility=SavedView.Visibility.EVERYONE) | Q(
        visibility=SavedView.Visibility.TEAM, team__in=my_teams
    )
    rows = SavedView.objects.filter(Q(user=user) | shared).select_related("team", "user")
    return sorted(rows, key=lambda v: (v.user_id != user.pk, v.name, v.pk))


def saved_view_get(*, user: User, pk: int) -> SavedView:
    """A saved view ``user`` may open (own or shared with them), or ``NotFound``."""
    for view in saved_view_list(user=user):
        if view.pk == pk:
            return view
    raise NotFound("view.not_found", _("Saved view not found."))


def list_preference(*, user: User) -> ListPreference:
    """The user's list preferences (defaults, unsaved, when they never chose any)."""
    found = ListPreference.objects.filter(user=user).first()
    return found or ListPreference(user=user)


def tickets_unread(*, user: User, tickets: Sequence[Ticket]) -> set[int]:
    """Ids of ``tickets`` changed by someone else since ``user`` last opened them (one query).

    "Changed" is the newest timeline entry by another actor (a customer's reply, a colleague's
    note or status change, the system); a ticket never opened counts as unread when it has one.
    """
    ids = [t.pk for t in tickets]
    if not ids:
        return set()
    seen = TicketSeen.objects.filter(user=user, ticket=OuterRef("pk")).values("seen_at")[:1]
    activity = (
        TimelineEntry.objects.filter(ticket=OuterRef("pk"))
        .exclude(actor=user)
        .order_by()
        .values("ticket")
        .annotate(at=Max("created_at"))
        .values("at")[:1]
    )
    rows = (
        Ticket.objects.filter(pk__in=ids)
        .annotate(seen_at=Subquery(seen), activity_at=Subquery(activity))
        .filter(Q(activity_at__isnull=False))
        .filter(Q(seen_at__isnull=True) | Q(activity_at__gt=F("seen_at")))
        .values_list("pk", flat=True)
    )
    return set(rows)


@dataclass
class Relations:
    """What a ticket page shows about other tickets (only those the user may see)."""

    children: Sequence[Ticket]
    links: list[tuple[str, Ticket]]  # (kind label key, other ticket), both directions
    merged: list[Ticket]

    @property
    def progress(self) -> dict[str, int]:
        done = {Status.RESOLVED, Status.CLOSED, Status.CANCELLED}
        return {
            "total": len(self.children),
            "done": sum(1 for c in self.children if c.status in done),
        }


def ticket_relations(*, user: User, ticket: Ticket) -> Relations:
    """Children, links (both directions) and merged duplicates of ``ticket`` (visible to
    ``user``): two plain queries, plus one visibility check when there are any.

    Whoever may see a ticket may follow all of its children (split off to other teams so that the
    parent can track them): each child comes with ``can_open``, true only where the visibility
    policy lets the user open it. Links and merged tickets are listed only where visible.
    """
    related = list(
        Ticket.objects.filter(Q(parent=ticket) | Q(merged_into=ticket))
        .select_related("team", "assignee")
        .order_by("created_at", "id")
    )
    link_rows = list(
        TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket))
        .select_related("source", "target")
        .order_by("id")
    )
    others = [link.target if link.source_id == ticket.pk else link.source for link in link_rows]
    # The visibility rule checked on these few numbers only (its SQL is costly to build into
    # every query above, and most tickets have no relations at all).
    visible = ticket_numbers_visible(user=user, numbers=[t.number for t in [*related, *others]])
    for t in related:
        t.can_open = t.number in visible  # type: ignore[attr-defined]
    children = [t for t in related if t.parent_id == ticket.pk]
    merged = sorted(
        (t for t in related if t.merged_into_id == ticket.pk and t.number in visible),
        key=lambda t: t.pk,
    )
    links = [
        (f"{link.kind}:{'out' if link.source_id == ticket.pk else 'in'}", other)
        for link, other in zip(link_rows, others, strict=True)
        if other.number in visible
    ]
    return Relations(children=children, links=links, merged=merged)


def watcher_list(*, user: User, ticket: Ticket) -> list[TicketWatcher]:
    """Watchers of a visible ticket, in one query. Staff see all; customers see staff watchers
    and contacts of the ticket's own customer (requester or organization), never others."""
    qs = TicketWatcher.objects.filter(ticket=ticket).select_related("user", "contact")
    if not policies.is_staff_user(user):
        own = Q(contact__isnull=True) | Q(contact_id=ticket.requester_id)
        if ticket.organization_id:
            own |= Q(contact__organization_id=ticket.organization_id)
        qs = qs.filter(own)
    return list(qs.order_by("id"))


# --- Reference data: ticket types and categories ------------------------------------------------
def ticket_type_list(*, user: User) -> QuerySet[TicketType]:
    """Staff see every type (inactive ones too, to keep tickets readable); a customer sees the
    active types, those the portal and the API let them pick when opening a ticket."""
    qs = TicketType.objects.select_related("default_team").order_by("sort_order", "id")
    return qs if policies.is_staff_user(user) else qs.filter(is_active=True)


def category_list(*, user: User, ticket_type: int | None = None) -> QuerySet[Category]:
    """Staff see every category; a customer the active ones (those they may pick). With
    ``ticket_type``: the categories that fit it (its own and those for every type)."""
    qs = Category.objects.order_by("sort_order", "id")
    if not policies.is_staff_user(user):
        qs = qs.filter(is_active=True)
    if ticket_type is not None:
        qs = qs.filter(Q(ticket_type_id=ticket_type) | Q(ticket_type__isnull=True))
    return qs
