"""``manage.py seed_demo``: a realistic, bilingual demo dataset, written through the services.

Organizations and contacts, staff in regional and functional teams, ticket types with default
teams, a category tree, and a few hundred tickets in every status with replies, internal notes and
real timelines. Idempotent: a second run only prints the demo logins. ``--reset`` flushes the
whole database first (demo databases only).

The demo opens on a normal working day, relative to the moment it is seeded: each open ticket is
placed so that its nearest SLA target is on track, at risk (past the first warning) or, for a
few, breached (``SLA_FATES``); every ticket's conversation comes from its own template. Seeded
history is history: its outbox events are recorded as dispatched, not fanned out as hundreds of
notifications when the worker starts, and the search index is built before the command returns.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.desk import desk_configured
from gongdan.accounts.models import AgentProfile, AgentSkill, Membership, Skill, Team, User
from gongdan.accounts.services import team_create, user_create
from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Contact, Organization
from gongdan.customers.services import contact_create, organization_create
from gongdan.demo import content
from gongdan.demo.knowledge import seed_articles
from gongdan.jobs.outbox import skip_history
from gongdan.notifications.services import quiet_mark_set
from gongdan.reports.facts import reports_rebuild
from gongdan.search.services import search_rebuild
from gongdan.sla.choices import SlaTarget
from gongdan.sla.engine import policy_for, used_between
from gongdan.sla.models import EscalationLevel, SlaPolicy
from gongdan.sla.seeding import seed_calendars
from gongdan.sla.selectors import calendar_spec
from gongdan.tickets import services
from gongdan.tickets.choices import FINAL_STATUSES, Channel, Priority, Status
from gongdan.tickets.models import Category, Comment, Ticket, TicketType

MARKER_TEAM = "it-ops"  # present once the demo data is loaded

STATUS_WEIGHTS = {
    Status.NEW: 10,
    Status.ASSIGNED: 9,
    Status.IN_PROGRESS: 14,
    Status.PENDING: 9,
    Status.RESOLVED: 12,
    Status.REOPENED: 4,
    Status.CLOSED: 36,
    Status.CANCELLED: 6,
}
PRIORITY_WEIGHTS = {Priority.LOW: 15, Priority.NORMAL: 50, Priority.HIGH: 25, Priority.URGENT: 10}
STAFF_CHANNELS = [Channel.PHONE, Channel.EMAIL, Channel.WECHAT, Channel.WEB]
# How far along its nearest SLA target an open ticket is when the demo starts (share, fraction of
# the target used): most are on track, some past the first warning (75 %), a few breached.
SLA_FATES = {
    "on_track": (84, (0.05, 0.6)),
    "at_risk": (9, (0.8, 0.95)),
    "breached": (7, (1.15, 2.0)),
}
# The target that an open ticket in this status is racing: a response not yet given, or the fix.
RACING = {
    Status.NEW: SlaTarget.FIRST_RESPONSE,
    Status.ASSIGNED: SlaTarget.FIRST_RESPONSE,
    Status.IN_PROGRESS: SlaTarget.RESOLUTION,
    Status.PENDING: SlaTarget.RESOLUTION,
    Status.REOPENED: SlaTarget.RESOLUTION,
}


def demo_loaded() -> bool:
    return Team.objects.filter(code=MARKER_TEAM).exists()


def pick_values(rng: random.Random) -> dict[str, object]:
    """Plausible values for a template's placeholders (one set per ticket, so texts agree)."""
    return {
        "floor": rng.choice(content.FLOORS),
        "room": rng.choice(content.ROOMS),
        "model": rng.choice(content.MODELS),
        "city": rng.choice(content.CITIES),
        "n": rng.randint(2, 98),
    }


def fill(text: str, rng: random.Random, values: dict[str, object] | None = None) -> str:
    """Put plausible values (``values``, or new ones) into a template's placeholders."""
    return text.format(**(values if values is not None else pick_values(rng)))


class DemoClock:
    """Backdates the demo: services read ``timezone.now()``, which this clock answers.

    The services take the time from ``django.utils.timezone.now`` (timeline, comments, audit);
    patching it for the duration of the seed gives every ticket a history spread over weeks
    instead of one identical timestamp, without a second write path.
    """

    def __init__(self, limit: datetime) -> None:
        self.limit = limit
        self.current = limit
        self.scale = 1.0  # shrinks the steps of a ticket whose whole life fits in a short time

    def __call__(self) -> datetime:
        return self.current

    def set(self, at: datetime) -> None:
        self.current = min(at, self.limit)

    def advance(self, rng: random.Random, low_minutes: int, high_minutes: int) -> None:
        minutes = rng.randint(low_minutes, high_minutes) * self.scale
        self.set(self.current + timedelta(minutes=minutes))

    @contextmanager
    def installed(self) -> Iterator[DemoClock]:
        with mock.patch("django.utils.timezone.now", self):
            yield self


class DemoBuilder:
    """Builds the dataset; one method per kind of object, all writes through services."""

    def __init__(self, *, tickets: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ticket_count = tickets
        self.teams: dict[str, Team] = {}
        self.staff: dict[str, User] = {}
        self.types: dict[str, TicketType] = {}
        self.categories: dict[str, Category] = {}
        self.orgs: list[tuple[content.OrgSpec, Organization, list[Contact]]] = []
        self.members: dict[int, list[User]] = {}
        self.clock = DemoClock(timezone.now() - timedelta(minutes=5))
        # Each ticket's template and placeholder values: its conversation comes from there.
        self.talk: dict[int, tuple[content.Template, dict[str, object]]] = {}
        # Time logged with staff replies draws from its own generator, so the tickets and their
        # conversations stay the same with or without it.
        self.time_rng = random.Random(seed + 1)

    def build(self) -> None:
        self._teams()
        self._staff()
        self._types_and_categories()
        self._customers()
        self._service_levels()
        self._cost_rates()
        # One (slow, argon2) hash shared by every demo login instead of one per user.
        demo_users = [*self.staff.values(), *(c.user for _s, _o, cs in self.orgs for c in cs)]
        User.objects.filter(pk__in=[u.pk for u in demo_users if u is not None]).update(
            password=make_password(content.DEMO_PASSWORD)
        )
        with self.clock.installed():
            for _ in range(self.ticket_count):
                self._ticket()
        # A handful of bilingual, published knowledge-base articles in three categories.
        seed_articles(actor=self.staff["supervisor"])

    # --- reference data ---------------------------------------------------------------------

    def _cost_rates(self) -> None:
        """Hourly costs per team (yuan), from long before the first demo ticket."""
        since = (self.clock() - timedelta(days=3650)).date()
        for index, team in enumerate(self.teams.values()):
            services.cost_rate_set(
                actor=self.staff["admin"],
                hourly_cost=[120, 150, 90, 110][index % 4],
                effective_from=since,
                team=team,
            )

    def _teams(self) -> None:
        for spec in content.TEAMS:
            self.teams[spec.code] = team_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                description=spec.description,
            )

    def _staff(self) -> None:
        skills = {
            code: Skill.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en}
            )[0]
            for code, name, name_en in content.SKILLS
        }
        for spec in content.STAFF:
            user = user_create(
                actor=None,
                username=spec.username,
                role=spec.role,
                email=f"{spec.username}@gongdan.example.cn",
                display_name=spec.display_name,
                teams=[self.teams[c] for c in spec.teams],
            )
            self.staff[spec.username] = user
            AgentProfile.objects.filter(user=user).update(
                location_name=spec.location, capacity=12, availability="online"
            )
            profile = AgentProfile.objects.get(user=user)
            for code in spec.skills:
                AgentSkill.objects.create(
                    profile=profile, skill=skills[code], level=self.rng.randint(2, 5)
                )
        for team in self.teams.values():
            users = [m.user for m in Membership.objects.filter(team=team).select_related("user")]
            self.members[team.pk] = [u for u in users if u.role == Role.AGENT]
            team.lead = self.members[team.pk][0] if self.members[team.pk] else None
            team.save(update_fields=["lead"])

    def _types_and_categories(self) -> None:
        # Ticket types and categories are admin configuration; no service exists for them yet.
        # A fresh database already has the default types and categories (tickets migration
        # default_ticket_types): the demo takes over those with its codes and names.
        for order, spec in enumerate(content.TICKET_TYPES, start=1):
            self.types[spec.code], _ = TicketType.objects.update_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "name_en": spec.name_en,
                    "is_onsite": spec.is_onsite,
                    "default_team": self.teams[spec.team],
                    "description": spec.description,
                    "sort_order": order,
                    "is_active": True,
                },
            )
        for order, (code, name, name_en, type_code, children) in enumerate(content.CATEGORY_TREE):
            parent, _ = Category.objects.update_or_create(
                parent=None,
                name_en=name_en,
                defaults={
                    "name": name,
                    "sort_order": order,
                    "ticket_type": self.types[type_code] if type_code else None,
                    "is_active": True,
                },
            )
            self.categories[code] = parent
            for child_order, (child_code, child_name, child_en) in enumerate(children):
                self.categories[child_code], _ = Category.objects.update_or_create(
                    parent=parent,
                    name_en=child_en,
                    defaults={
                        "name": child_name,
                        "sort_order": child_order,
                        "ticket_type": parent.ticket_type,
                        "is_active": True,
                    },
                )

    def _service_levels(self) -> None:
        """China mainland calendar, a gold-tier customer and three SLA policies with escalation."""
        china = seed_calendars()[0].calendar
        _spec, first_org, _contacts = self.orgs[0]
        first_org.tier = "gold"
        first_org.save(update_fields=["tier"])
        urgent = SlaPolicy.objects.create(
            name="紧急 Urgent (7×24)",
            position=10,
            priorities=["urgent"],
            business_time=False,
            first_response_minutes=30,
            next_response_minutes=60,
            resolution_minutes=4 * 60,
            pause_statuses=["pending"],
            warn_percents=[75, 90],
        )
        gold = SlaPolicy.objects.create(
            name="金牌客户 Gold customers",
            position=20,
            tiers=["gold"],
            calendar=china,
            first_response_minutes=60,
            next_response_minutes=2 * 60,
            resolution_minutes=8 * 60,
            pause_statuses=["pending"],
            warn_percents=[75, 90],
        )
        standard = SlaPolicy.objects.create(
            name="标准 Standard",
            position=100,
            calendar=china,
            first_response_minutes=2 * 60,
            next_response_minutes=4 * 60,
            resolution_minutes=16 * 60,
            pause_statuses=["pending"],
            warn_percents=[75, 90],
        )
        for policy in (urgent, gold, standard):
            EscalationLevel.objects.create(
                policy=policy, after_minutes=0, notify_assignee=True, notify_team_lead=True
            )
            EscalationLevel.objects.create(
                policy=policy,
                after_minutes=120,
                notify_supervisors=True,
                raise_priority=policy is not urgent,
            )

    def _customers(self) -> None:
        chinese, english = iter(content.CHINESE_PEOPLE * 2), iter(content.ENGLISH_PEOPLE * 2)
        mobile = 17000000100
        for spec in content.ORGANIZATIONS:
            org = organization_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                email_domains=spec.domain,
                phone=spec.phone,
                address=spec.address,
            )
            contacts = []
            for index in range(4):
                name, local = next(english if spec.english else chinese)
                mobile += 1
                contacts.append(
                    self._contact(
                        org,
                        name=name,
                        email=f"{local}@{spec.domain}",
                        mobile=str(mobile),
                        login=index < 2,
                        org_admin=index == 0,
                        english=spec.english,
                    )
                )
            self.orgs.append((spec, org, contacts))

    def _contact(
        self,
        org: Organization,
        *,
        name: str,
        email: str,
        mobile: str,
        login: bool,
        org_admin: bool,
        english: bool,
    ) -> Contact:
        user = None
        if login:
            user = user_create(
                actor=None,
                username=email,
                role=Role.CUSTOMER,
                email=email,
                mobile=mobile,
                display_name=name,
                language="en" if english else "zh-hans",
            )
        return contact_create(
            actor=None,
            name=name,
            email=email,
            mobile=mobile,
            organization=org,
            is_org_admin=org_admin,
            user=user,
        )

    # --- tickets ----------------------------------------------------------------------------

    def _ticket(self) -> None:
        rng = self.rng
        spec, org, contacts = rng.choice(self.orgs)
        english = spec.english if rng.random() < 0.85 else not spec.english
        template = rng.choice([t for t in content.TEMPLATES if t.english == english])
        values = pick_values(rng)
        target = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        requester = rng.choice(contacts)
        ticket_type = self.types[template.ticket_type]
        fields: dict[str, Any] = {
            "title": fill(template.title, rng, values),
            "description": fill(template.description, rng, values),
            "ticket_type": ticket_type,
            "category": self.categories[template.category],
            "priority": rng.choices(
                list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values())
            )[0],
        }
        self.clock.scale = 1.0
        if target in FINAL_STATUSES:
            self.clock.set(self.clock.limit - timedelta(days=rng.uniform(10, 120)))
        elif target == Status.RESOLVED:
            self.clock.set(self.clock.limit - timedelta(days=rng.uniform(0.5, 6)))
        else:
            self._place(Ticket(organization=org, **fields), RACING[target])
        fields["created_at"] = self.clock()
        if requester.user is not None and rng.random() < 0.6:
            ticket = services.ticket_create(actor=requester.user, **fields)
        else:
            team = ticket_type.default_team
            if template.ticket_type in {"incident", "repair"} and rng.random() < 0.35:
                team = self.teams[spec.region]
            creator = rng.choice(self.members[team.pk]) if team else self.staff["supervisor"]
            ticket = services.ticket_create(
                actor=creator,
                requester=requester,
                team=team,
                channel=rng.choice(STAFF_CHANNELS),
                **fields,
            )
        self.talk[ticket.pk] = (template, values)
        self._work(ticket, target)

    def _place(self, draft: Ticket, racing: str) -> None:
        """Start an open ticket's life so that its SLA target is on track, at risk or breached.

        The fraction of the target used by now is drawn from ``SLA_FATES``; the moment that uses
        it is found on the policy's own clock (business hours and holidays for most policies),
        so the demo looks the same whether it is seeded on a Monday morning or a Sunday night.
        """
        rng = self.rng
        fates = list(SLA_FATES.values())
        low, high = rng.choices([f[1] for f in fates], weights=[f[0] for f in fates])[0]
        policy = policy_for(draft)
        minutes = policy.minutes_for(racing) if policy else None
        if policy is None or minutes is None:
            self.clock.set(self.clock.limit - timedelta(hours=rng.uniform(1, 8)))
            return
        calendar = policy.calendar if policy.counts_business_time else None
        spec = calendar_spec(calendar) if calendar is not None else None
        used = minutes * 60 * rng.uniform(low, high)
        end = self.clock.limit
        early, late = end - timedelta(days=60), end
        # Bisect: the clock time used from ``start`` to now grows as ``start`` moves back.
        for _ in range(32):
            start = early + (late - early) / 2
            if used_between(spec, start, end) > used:
                early = start
            else:
                late = start
        self.clock.set(late)
        # Everything that happened to the ticket since fits in that time (replies come early).
        self.clock.scale = min(1.0, max(0.02, (end - late).total_seconds() / 60 / 900))

    def _agent(self, ticket: Ticket) -> User:
        if ticket.assignee is not None:
            return ticket.assignee
        pool = self.members.get(ticket.team_id or 0) or [self.staff["supervisor"]]
        return self.rng.choice(pool)

    def _customer(self, ticket: Ticket) -> User | None:
        """Someone on the requester's side with a login: the requester or the org admin."""
        if ticket.requester.user is not None:
            return ticket.requester.user
        if ticket.organization_id is None:
            return None
        admin = (
            Contact.objects.filter(
                organization_id=ticket.organization_id, is_org_admin=True, user__isnull=False
            )
            .select_related("user")
            .first()
        )
        return admin.user if admin else None

    def _say(self, ticket: Ticket, actor: User, text: str, *, internal: bool = False) -> None:
        """Post ``text`` with the ticket's own placeholder values."""
        values = self.talk[ticket.pk][1]
        self.clock.advance(self.rng, 5, 240)
        comment = services.comment_create(
            actor=actor,
            ticket=ticket,
            body=fill(text, self.rng, values),
            is_internal=internal,
        )
        if actor.role != Role.CUSTOMER:  # agents log the time the step took
            services.time_entry_create(
                actor=actor,
                ticket=ticket,
                minutes=self.time_rng.choice([10, 15, 20, 30, 45, 60, 90]),
                billable=self.time_rng.random() < 0.7,
                comment=comment,
            )

    def _move(self, ticket: Ticket, actor: User, to: Status, reason: str = "") -> Ticket:
        self.clock.advance(self.rng, 3, 180)
        return services.ticket_transition(actor=actor, ticket=ticket, to=to, comment=reason)

    def _said(self, ticket: Ticket, pool: dict[bool, list[str]]) -> str:
        """A line said on any ticket (a nudge, a reason), in the ticket's language."""
        return self.rng.choice(pool[self.talk[ticket.pk][0].english])

    def _work(self, ticket: Ticket, target: Status) -> None:  # noqa: C901 - one step per status
        rng, customer = self.rng, self._customer(ticket)
        talk = self.talk[ticket.pk][0].talk  # this ticket's own conversation
        if target == Status.NEW:
            if customer and rng.random() < 0.3:
                self._say(ticket, customer, self._said(ticket, content.CUSTOMER_NUDGES))
            return
        if target == Status.CANCELLED:
            # Staff record the cancellation the customer asked for (by phone or mail).
            reason = self._said(ticket, content.CANCEL_REASONS)
            self._move(ticket, self._agent(ticket), Status.CANCELLED, reason)
            return
        self.clock.advance(rng, 2, 90)
        ticket = services.ticket_assign(
            actor=self.staff["supervisor"], ticket=ticket, assignee=self._agent(ticket)
        )
        agent = self._agent(ticket)
        if rng.random() < 0.3:
            self._say(ticket, agent, talk.note, internal=True)
        if target == Status.ASSIGNED:
            return
        ticket = self._move(ticket, agent, Status.IN_PROGRESS)
        self._say(ticket, agent, talk.reply)
        if target == Status.IN_PROGRESS:
            return
        if target == Status.PENDING or (customer and rng.random() < 0.4):
            self._say(ticket, agent, talk.question)
            ticket = self._move(ticket, agent, Status.PENDING)
            if target == Status.PENDING or customer is None:
                return
            self._say(ticket, customer, talk.answer)  # back to in progress
        self._say(ticket, agent, talk.resolution)
        ticket = self._move(ticket, agent, Status.RESOLVED)
        if target == Status.RESOLVED:
            return
        side = customer or agent
        if target == Status.REOPENED:
            self._move(ticket, side, Status.REOPENED, self._said(ticket, content.REOPEN_REASONS))
            return
        self._move(ticket, side, Status.CLOSED)


# --- printing -------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_rows() -> list[tuple[str, str, str, str, str]]:
    """(login, password, role, name, where) for the demo's most useful accounts."""
    site = settings.SITE_URL
    rows = []
    for username in ["admin", "supervisor", "wangwei", "zhangqiang", "chenjing"]:
        user = User.objects.filter(username=username).first()
        if user is not None:
            where = f"{site}/desk/" + (f"  {site}/admin/" if user.role == Role.ADMIN else "")
            rows.append((user.username, content.DEMO_PASSWORD, user.role, str(user), where))
    customers = (
        Contact.objects.filter(user__isnull=False, organization__code__in=["huaxin", "northwind"])
        .select_related("user", "organization")
        .order_by("organization__code", "id")
    )
    for contact in customers:
        assert contact.user is not None and contact.organization is not None
        if contact.is_org_admin or contact.organization.code == "huaxin":
            role = "customer (org admin)" if contact.is_org_admin else "customer"
            rows.append(
                (
                    contact.user.username,
                    content.DEMO_PASSWORD,
                    role,
                    contact.name,
                    f"{site}/portal/",
                )
            )
    return rows


def format_logins() -> str:
    header = ("login", "password", "role", "name", "where")
    rows = [header, *login_rows()]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"Demo logins — sign in at {settings.SITE_URL}/accounts/login/"]
    for index, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load bilingual demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=300, help="tickets to create (300)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database already has users"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="DELETE ALL DATA in the database first, then load the demo",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        if demo_loaded():
            self.stdout.write("Demo data is already loaded.")
        elif options["if_empty"] and User.objects.exists():
            self.stdout.write("The database already has users; demo data not loaded.")
            return
        else:
            started = time.monotonic()
            with transaction.atomic():
                last = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first()
                DemoBuilder(tickets=options["tickets"], seed=options["seed"]).build()
                desk_configured()  # the demo desk is set up: no first-run page
                # History, not news: nobody is notified of what "happened" before the demo began.
                skip_history(after_id=last or 0)
                # …and the sweeps' first ticks do not page agents about it (SLA at risk, …).
                quiet_mark_set()
            # Outbox subscribers would index the demo in the worker, minutes later; index now
            # (and compute the report facts the skipped events would have kept).
            search_rebuild()
            reports_rebuild()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded and indexed for search in "
                    f"{time.monotonic() - started:.1f} s: {summary()}."
                )
            )
        self.stdout.write(format_logins())


def summary() -> str:
    return (
        f"{Organization.objects.count()} organizations, {Contact.objects.count()} contacts, "
        f"{User.objects.exclude(role=Role.CUSTOMER).count()} staff, "
        f"{Team.objects.count()} teams, {Ticket.objects.count()} tickets, "
        f"{Comment.objects.count()} comments"
    )
