"""``manage.py seed_bench --tickets N``: bulk data for benchmarks (100k tickets in a few minutes).

Unlike ``seed_demo`` this bypasses the services on purpose: rows are generated with consistent
fields (status timestamps, assignees from the ticket's team, versions) and written with
``bulk_create`` in batches, in chronological order. Ticket numbers are taken from
``TicketSequence`` with one upsert per day and batch, so tickets created later through the
services continue the sequence instead of colliding. Audit events and outbox rows are not written.
"""

from __future__ import annotations

import io
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction
from django.db.models import Model
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Membership, Team, User
from gongdan.customers.models import Contact, Organization
from gongdan.demo import content
from gongdan.demo.management.commands.seed_demo import (
    PRIORITY_WEIGHTS,
    demo_loaded,
    fill,
    pick_values,
)
from gongdan.tickets.choices import FINAL_STATUSES, Channel, Status, TimelineKind
from gongdan.tickets.models import Category, Comment, Ticket, TicketSequence, TicketType
from gongdan.tickets.models import TimelineEntry as Entry

RECENT_WEIGHTS = {
    Status.NEW: 14,
    Status.ASSIGNED: 12,
    Status.IN_PROGRESS: 20,
    Status.PENDING: 10,
    Status.RESOLVED: 14,
    Status.REOPENED: 3,
    Status.CLOSED: 22,
    Status.CANCELLED: 5,
}
OLD_WEIGHTS = {
    Status.CLOSED: 86,
    Status.CANCELLED: 7,
    Status.RESOLVED: 4,
    Status.PENDING: 1,
    Status.IN_PROGRESS: 1,
    Status.NEW: 0.5,
    Status.ASSIGNED: 0.5,
}
RECENT_DAYS = 30
PRIORITIES, PRIORITY_W = list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values())
CHANNELS = [
    Channel.PORTAL,
    Channel.PORTAL,
    Channel.EMAIL,
    Channel.PHONE,
    Channel.WECHAT,
    Channel.WEB,
    Channel.API,
    Channel.QR,
]
COMPANY_WORDS = [
    "恒达",
    "华美",
    "金桥",
    "远航",
    "博创",
    "新丰",
    "中科",
    "宏图",
    "瑞德",
    "联创",
    "天成",
    "九州",
    "鼎盛",
    "卓越",
    "安信",
    "东方",
]
COMPANY_KINDS = ["精密机械", "物流", "电子科技", "医药", "商贸", "食品", "汽车零部件", "纺织"]
COMPANY_CITIES = ["上海", "苏州", "深圳", "北京", "杭州", "天津", "广州", "成都", "武汉"]
ENGLISH_COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Hooli",
    "Vandelay",
    "Soylent",
]


@dataclass
class Reference:
    """What generated tickets point at, loaded once."""

    types: list[TicketType]
    categories: dict[str, list[int]]  # ticket type code -> leaf category ids
    agents: dict[int, list[int]]  # team id -> agent ids
    teams: list[int]
    contacts: list[tuple[int, int | None, bool]]  # (contact id, org id, english)
    staff: list[int] = field(default_factory=list)


Row = dict[str, Any]


class Generator:
    """Makes ticket rows (and their comments and timeline rows) for given creation times.

    Rows are plain dicts keyed by column attribute name: building 100k model instances and
    letting the ORM prepare every value costs more than the database writes themselves.
    """

    def __init__(
        self,
        ref: Reference,
        rng: random.Random,
        now: datetime,
        comments: bool,
        history: bool = False,
    ) -> None:
        self.ref, self.rng, self.now, self.with_comments = ref, rng, now, comments
        self.with_history = history
        self.templates = {
            False: [t for t in content.TEMPLATES if not t.english],
            True: [t for t in content.TEMPLATES if t.english],
        }
        self.types = {t.code: t for t in ref.types}
        # The template and placeholder values of each row made (by id): comments come from there.
        self.talk: dict[int, tuple[content.Template, dict[str, object]]] = {}
        # The first recent tickets take each status once, so every status is in the data however
        # few tickets are recent (a reopened ticket is 3 % of the last month's).
        self.unseen = list(RECENT_WEIGHTS)

    def ticket(self, created: datetime) -> Row:
        rng = self.rng
        contact_id, org_id, english = rng.choice(self.ref.contacts)
        template = rng.choice(self.templates[english if rng.random() < 0.85 else not english])
        ticket_type = self.types.get(template.ticket_type) or rng.choice(self.ref.types)
        team_id = ticket_type.default_team_id or rng.choice(self.ref.teams)
        if rng.random() < 0.3:
            team_id = rng.choice(self.ref.teams)
        age_days = (self.now - created).total_seconds() / 86400
        weights = RECENT_WEIGHTS if age_days < RECENT_DAYS else OLD_WEIGHTS
        status = rng.choices(list(weights), weights=list(weights.values()))[0]
        if age_days < RECENT_DAYS and self.unseen:
            status = self.unseen.pop(0)
        leaves: list[int | None] = [*self.ref.categories.get(ticket_type.code, [])] or [None]
        values = pick_values(rng)
        row: Row = {
            "title": fill(template.title, rng, values),
            "description": fill(template.description, rng, values),
            "ticket_type_id": ticket_type.pk,
            "category_id": rng.choice(leaves),
            "priority": rng.choices(PRIORITIES, weights=PRIORITY_W)[0],
            "status": status,
            "channel": rng.choice(CHANNELS),
            "requester_id": contact_id,
            "organization_id": org_id,
            "team_id": team_id,
            "assignee_id": None,
            "created_by_id": None,
            "parent_id": None,
            "merged_into_id": None,
            "version": 1,
            "created_at": created,
            "updated_at": created,
            "first_response_at": None,
            "resolved_at": None,
            "closed_at": None,
        }
        self._progress(row)
        if self.with_comments:
            self.talk[id(row)] = (template, values)
        return row

    def _later(self, start: datetime, low_minutes: float, high_minutes: float) -> datetime:
        return min(start + timedelta(minutes=self.rng.uniform(low_minutes, high_minutes)), self.now)

    def _progress(self, row: Row) -> None:
        """Fill assignee, timestamps and version so that they agree with the status."""
        status, rng = row["status"], self.rng
        if status == Status.NEW or (status == Status.CANCELLED and rng.random() < 0.5):
            row["updated_at"] = self._later(row["created_at"], 0, 120)
            return
        pool = self.ref.agents.get(row["team_id"] or 0) or self.ref.staff
        row["assignee_id"] = rng.choice(pool)
        row["version"] = 3
        if status == Status.ASSIGNED:
            row["updated_at"] = self._later(row["created_at"], 2, 240)
            return
        row["first_response_at"] = self._later(row["created_at"], 5, 480)
        row["updated_at"] = self._later(row["first_response_at"], 10, 60 * 24 * 3)
        row["version"] = rng.randint(4, 9)
        if status in {Status.RESOLVED, Status.CLOSED, Status.REOPENED}:
            row["resolved_at"] = row["updated_at"]
            row["updated_at"] = self._later(row["resolved_at"], 30, 60 * 24 * 2)
        if status in FINAL_STATUSES:
            row["closed_at"] = row["updated_at"]
        if status == Status.REOPENED:
            row["resolved_at"] = None

    def entries(self, ticket: Row) -> list[Row]:
        if self.with_history:
            return self.history(ticket)
        rows = [
            _entry(
                ticket["id"],
                TimelineKind.CREATED,
                None,
                ticket["created_at"],
                {"channel": ticket["channel"]},
            )
        ]
        if ticket["status"] != Status.NEW:
            rows.append(
                _entry(
                    ticket["id"],
                    TimelineKind.STATUS_CHANGED,
                    ticket["assignee_id"],
                    ticket["updated_at"],
                    {"old": Status.NEW, "new": ticket["status"], "reason": ""},
                )
            )
        return rows

    def history(self, ticket: Row) -> list[Row]:
        """Timeline rows for every step the ticket's status went through, in the order and with
        the data the services write (``--history``; for the reports): created; assigned (the
        status moves new → assigned with it), sometimes handed from another agent or moved
        from another team; in progress at the first response; sometimes a pending spell; then
        resolved, closed, reopened or cancelled at the row's own timestamps."""
        tid, status, agent = ticket["id"], ticket["status"], ticket["assignee_id"]
        end = ticket["updated_at"]
        rows = [
            _entry(
                tid,
                TimelineKind.CREATED,
                None,
                ticket["created_at"],
                {"channel": ticket["channel"]},
            ),
            *self._team_move(ticket),
        ]

        def move(old: str, new: str, at: datetime) -> str:
            rows.append(
                _entry(tid, TimelineKind.STATUS_CHANGED, agent, at, {"old": old, "new": new})
            )
            return new

        if agent is None:  # new, or cancelled before anyone took it
            if status != Status.NEW:
                move(Status.NEW, status, end)
            return rows
        worked = ticket["first_response_at"] or end
        assigned_at = _between(ticket["created_at"], worked, 0.3)
        rows += self._assignments(ticket, assigned_at, _between(ticket["created_at"], worked, 0.6))
        current = move(Status.NEW, Status.ASSIGNED, assigned_at)
        if status == Status.ASSIGNED:
            return rows
        current = move(current, Status.IN_PROGRESS, worked)
        reopened = status == Status.REOPENED
        stop = ticket["resolved_at"] or (_between(worked, end, 0.7) if reopened else end)
        if self.rng.random() < 0.25 and stop > worked:  # waited for the customer once
            current = move(current, Status.PENDING, _between(worked, stop, 0.3))
            current = move(current, Status.IN_PROGRESS, _between(worked, stop, 0.6))
        if status in (Status.IN_PROGRESS, Status.PENDING, Status.CANCELLED):
            if status != current:
                move(current, status, end)
            return rows
        current = move(current, Status.RESOLVED, stop)
        if status != Status.RESOLVED:
            move(current, status, end)
        return rows

    def _team_move(self, ticket: Row) -> list[Row]:
        """One ticket in twenty came from another team first."""
        teams = [t for t in self.ref.teams if t != ticket["team_id"]]
        if not ticket["team_id"] or not teams or self.rng.random() >= 0.05:
            return []
        at = _between(ticket["created_at"], ticket["updated_at"], 0.05)
        data = {
            "old": self.rng.choice(teams),
            "new": ticket["team_id"],
            "old_label": "",
            "new_label": "",
        }
        return [_entry(ticket["id"], TimelineKind.TEAM_CHANGED, ticket["assignee_id"], at, data)]

    def _assignments(self, ticket: Row, first_at: datetime, handed_at: datetime) -> list[Row]:
        """The assignment; one in ten went to a colleague first and was handed over."""
        agent = ticket["assignee_id"]
        pool = [a for a in self.ref.agents.get(ticket["team_id"] or 0, []) if a != agent]
        first = self.rng.choice(pool) if pool and self.rng.random() < 0.1 else agent
        steps = [(None, first, first_at)] + ([(first, agent, handed_at)] if first != agent else [])
        return [
            _entry(
                ticket["id"],
                TimelineKind.ASSIGNED,
                agent,
                at,
                {"old": old, "new": new, "old_label": "", "new_label": ""},
            )
            for old, new, at in steps
        ]

    def comments(self, ticket: Row) -> list[Row]:
        if not self.with_comments:
            return []
        rng, made = self.rng, []
        template, values = self.talk.pop(id(ticket))
        talk = template.talk  # the ticket's own conversation, in its order
        lines = {
            True: [talk.reply, talk.resolution],
            False: [talk.answer, *content.CUSTOMER_NUDGES[template.english]],
        }
        span = max((ticket["updated_at"] - ticket["created_at"]).total_seconds(), 60.0)
        for index in range(rng.randint(2, 4)):
            staff = index % 2 == 0 and ticket["assignee_id"] is not None
            internal = staff and rng.random() < 0.2
            text = talk.note if internal else lines[staff][index // 2 % len(lines[staff])]
            made.append(
                {
                    "ticket_id": ticket["id"],
                    "author_id": ticket["assignee_id"] if staff else None,
                    "author_contact_id": None if staff else ticket["requester_id"],
                    "body": fill(text, rng, values),
                    "is_internal": internal,
                    "channel": Channel.WEB if staff else Channel.PORTAL,
                    "created_at": ticket["created_at"] + timedelta(seconds=span * (index + 1) / 5),
                }
            )
        return made


def _between(start: datetime, stop: datetime, share: float) -> datetime:
    return start + (stop - start) * share


def _entry(
    ticket_id: int,
    kind: str,
    actor_id: int | None,
    at: datetime,
    data: dict[str, Any],
    comment: Row | None = None,
) -> Row:
    return {
        "ticket_id": ticket_id,
        "kind": kind,
        "actor_id": actor_id,
        "actor_label": "",
        "is_internal": bool(comment and comment["is_internal"]),
        "comment_id": comment["id"] if comment else None,
        "data": data,
        "created_at": at,
    }


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows (inside the batch's transaction)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the IMMEDIATE transaction holds the write lock, so MAX(id) cannot move.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def _insert(model: type[Model], rows: list[Row]) -> None:
    """INSERT the rows (with their ids) in one ``executemany``; values adapted per column."""
    if not rows:
        return
    for row, pk in zip(rows, _reserve_ids(model, len(rows)), strict=True):
        row["id"] = pk
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = list(rows[0])
    adapters: list[Any] = []
    for name in names:
        fld = fields[name]
        if isinstance(fld, models.DateTimeField):
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(fld, models.JSONField):
            adapters.append(partial(fld.get_db_prep_save, connection=connection))
        else:
            adapters.append(None)
    columns = ", ".join(connection.ops.quote_name(str(fields[n].column)) for n in names)
    marks = ", ".join(["%s"] * len(names))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    params = [
        [adapt(row[n]) if adapt else row[n] for n, adapt in zip(names, adapters, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _allocate_numbers(tickets: list[Row]) -> None:
    """Give each ticket the next number of its local day, advancing ``TicketSequence``."""
    prefix = settings.GONGDAN_TICKET_PREFIX
    days = [timezone.localdate(t["created_at"]).strftime("%Y%m%d") for t in tickets]
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    upsert = (
        f"INSERT INTO {table} (prefix, day, last_value) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (prefix, day) DO UPDATE SET last_value = {table}.last_value + %s "
        "RETURNING last_value"
    )
    last: dict[str, int] = {}
    with connection.cursor() as cursor:
        for day, count in Counter(days).items():
            cursor.execute(upsert, [prefix, day, count, count])
            last[day] = cursor.fetchone()[0] - count
    for ticket, day in zip(tickets, days, strict=True):
        last[day] += 1
        ticket["number"] = f"{prefix}-{day}-{last[day]:04d}"


def _load_reference() -> Reference:
    agents: dict[int, list[int]] = {}
    for team_id, user_id in Membership.objects.filter(user__role=Role.AGENT).values_list(
        "team_id", "user_id"
    ):
        agents.setdefault(team_id, []).append(user_id)
    categories: dict[str, list[int]] = {}
    for type_code, cat_id in Category.objects.filter(parent__isnull=False).values_list(
        "parent__ticket_type__code", "id"
    ):
        categories.setdefault(type_code or "", []).append(cat_id)
    for code in ("incident", "request"):  # untyped branches serve the IT types
        categories[code] = categories.get("", [])
    english = {o.pk: "example.com" in o.email_domains for o in Organization.objects.all()}
    return Reference(
        types=list(TicketType.objects.filter(is_active=True)),
        categories=categories,
        agents=agents,
        teams=list(Team.objects.filter(is_active=True).values_list("id", flat=True)),
        contacts=[
            (pk, org, english.get(org or 0, False))
            for pk, org in Contact.objects.values_list("id", "organization_id")
        ],
        staff=list(
            User.objects.filter(role__in=[Role.ADMIN, Role.SUPERVISOR]).values_list("id", flat=True)
        ),
    )


def _add_organizations(count: int, rng: random.Random) -> None:
    """Bulk customer organizations with five contacts each (no logins), codes ``bench-NNNN``."""
    existing = Organization.objects.filter(code__startswith="bench-").count()
    orgs = []
    for index in range(existing, count):
        if rng.random() < 0.2:
            name = (
                f"{rng.choice(ENGLISH_COMPANIES)} {rng.choice(['Trading', 'Logistics'])} "
                f"({rng.choice(['Shanghai', 'Suzhou', 'Tianjin'])}) Co., Ltd."
            )
            domain = f"bench{index:04d}.example.com"
        else:
            name = (
                f"{rng.choice(COMPANY_CITIES)}{rng.choice(COMPANY_WORDS)}"
                f"{rng.choice(COMPANY_KINDS)}有限公司"
            )
            domain = f"bench{index:04d}.example.cn"
        orgs.append(Organization(code=f"bench-{index:04d}", name=name, email_domains=domain))
    created = Organization.objects.bulk_create(orgs, batch_size=500)
    people = content.CHINESE_PEOPLE + content.ENGLISH_PEOPLE
    contacts = []
    for org in created:
        for n in range(5):
            name, local = rng.choice(people)
            contacts.append(
                Contact(organization=org, name=name, email=f"{local}{n}@{org.email_domains}")
            )
    Contact.objects.bulk_create(contacts, batch_size=1000)


class Command(BaseCommand):
    help = "Bulk-create N realistic tickets (spread over two years) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, required=True, help="how many tickets")
        parser.add_argument("--comments", action="store_true", help="2-4 comments per ticket")
        parser.add_argument(
            "--history",
            action="store_true",
            help="timeline rows for every status step, assignment and team move (reports)",
        )
        parser.add_argument("--years", type=float, default=2.0, help="spread (default 2 years)")
        parser.add_argument("--batch", type=int, default=2000, help="tickets per transaction")
        parser.add_argument("--seed", type=int, default=7, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rng = random.Random(options["seed"])
        if not demo_loaded():
            call_command("seed_demo", stdout=io.StringIO())
        with transaction.atomic():
            _add_organizations(min(500, max(20, options["tickets"] // 400)), rng)
        ref = _load_reference()
        now = timezone.now()
        span = options["years"] * 365 * 86400
        times = sorted(
            now - timedelta(seconds=rng.uniform(600, span)) for _ in range(options["tickets"])
        )
        generator = Generator(ref, rng, now, options["comments"], options["history"])
        counts = Counter[str]()
        for start in range(0, len(times), options["batch"]):
            counts.update(self._batch(generator, times[start : start + options["batch"]]))
            if options["verbosity"] > 1:
                self.stdout.write(f"  {start + options['batch']} tickets …")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {counts['tickets']} tickets, {counts['comments']} comments and "
                f"{counts['entries']} timeline entries in {elapsed:.1f} s "
                f"({Ticket.objects.count()} tickets in the database)."
            )
        )

    def _batch(self, generator: Generator, times: list[datetime]) -> Counter[str]:
        with transaction.atomic():
            tickets = [generator.ticket(at) for at in times]
            _allocate_numbers(tickets)
            _insert(Ticket, tickets)
            comments = [c for t in tickets for c in generator.comments(t)]
            _insert(Comment, comments)
            entries = [e for t in tickets for e in generator.entries(t)]
            entries += [
                _entry(
                    c["ticket_id"],
                    TimelineKind.NOTE if c["is_internal"] else TimelineKind.REPLY,
                    c["author_id"],
                    c["created_at"],
                    {},
                    comment=c,
                )
                for c in comments
            ]
            _insert(Entry, entries)
        return Counter(tickets=len(tickets), comments=len(comments), entries=len(entries))
