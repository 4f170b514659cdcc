"""``manage.py seed_demo``: a realistic, bilingual demo dataset, written through the services.

Organizations and contacts, staff in regional and functional teams, ticket types with default
teams, a category tree, and a few hundred tickets in every status with replies, internal notes and
real timelines. Idempotent: a second run only prints the demo logins. ``--reset`` flushes the
whole database first (demo databases only).
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
from gongdan.accounts.models import AgentProfile, AgentSkill, Membership, Skill, Team, User
from gongdan.accounts.services import team_create, user_create
from gongdan.customers.models import Contact, Organization
from gongdan.customers.services import contact_create, organization_create
from gongdan.demo import content
from gongdan.demo.knowledge import seed_articles
from gongdan.tickets import services
from gongdan.tickets.choices import Channel, Priority, Status
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


def demo_loaded() -> bool:
    return Team.objects.filter(code=MARKER_TEAM).exists()


def fill(text: str, rng: random.Random) -> str:
    """Put plausible values into a template's placeholders."""
    return text.format(
        floor=rng.choice(content.FLOORS),
        room=rng.choice(content.ROOMS),
        model=rng.choice(content.MODELS),
        city=rng.choice(content.CITIES),
        n=rng.randint(2, 98),
    )


class DemoClock:
    """Backdates the demo: services read ``timezone.now()``, which this clock answers.

    The services take the time from ``django.utils.timezone.now`` (timeline, comments, audit);
    patching it for the duration of the seed gives every ticket a history spread over weeks
    instead of one identical timestamp, without a second write path.
    """

    def __init__(self, limit: datetime) -> None:
        self.limit = limit
        self.current = limit

    def __call__(self) -> datetime:
        return self.current

    def set(self, at: datetime) -> None:
        self.current = min(at, self.limit)

    def advance(self, rng: random.Random, low_minutes: int, high_minutes: int) -> None:
        self.set(self.current + timedelta(minutes=rng.randint(low_minutes, high_minutes)))

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

    def build(self) -> None:
        self._teams()
        self._staff()
        self._types_and_categories()
        self._customers()
        self._service_levels()
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
            parent = Category.objects.create(
                name=name,
                name_en=name_en,
                sort_order=order,
                ticket_type=self.types[type_code] if type_code else None,
            )
            self.categories[code] = parent
            for child_order, (child_code, child_name, child_en) in enumerate(children):
                self.categories[child_code] = Category.objects.create(
                    name=child_name,
                    name_en=child_en,
                    parent=parent,
                    sort_order=child_order,
                    ticket_type=parent.ticket_type,
                )

    def _service_levels(self) -> None:
        """China mainland calendar, a gold-tier customer and three SLA policies with escalation."""
        from gongdan.sla.models import EscalationLevel, SlaPolicy
        from gongdan.sla.seeding import seed_calendars

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
        spec, _org, contacts = rng.choice(self.orgs)
        english = spec.english if rng.random() < 0.85 else not spec.english
        template = rng.choice([t for t in content.TEMPLATES if t.english == english])
        target = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        recent = target not in {Status.CLOSED, Status.CANCELLED}
        age = timedelta(days=rng.uniform(0.2, 12) if recent else rng.uniform(10, 120))
        self.clock.set(self.clock.limit - age)
        requester = rng.choice(contacts)
        ticket_type = self.types[template.ticket_type]
        fields: dict[str, Any] = {
            "title": fill(template.title, rng),
            "description": fill(template.description, rng),
            "ticket_type": ticket_type,
            "category": self.categories[template.category],
            "priority": rng.choices(
                list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values())
            )[0],
            "created_at": self.clock(),
        }
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
        self._work(ticket, target)

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

    def _say(self, ticket: Ticket, actor: User, pool: list[str], *, internal: bool = False) -> None:
        self.clock.advance(self.rng, 5, 240)
        services.comment_create(
            actor=actor,
            ticket=ticket,
            body=fill(self.rng.choice(pool), self.rng),
            is_internal=internal,
        )

    def _move(self, ticket: Ticket, actor: User, to: Status, reason: str = "") -> Ticket:
        self.clock.advance(self.rng, 3, 180)
        return services.ticket_transition(actor=actor, ticket=ticket, to=to, comment=reason)

    def _work(self, ticket: Ticket, target: Status) -> None:  # noqa: C901 - one step per status
        rng, customer = self.rng, self._customer(ticket)
        if target == Status.NEW:
            if customer and rng.random() < 0.3:
                self._say(ticket, customer, content.CUSTOMER_REPLIES)
            return
        if target == Status.CANCELLED:
            actor = customer or self._agent(ticket)
            self._move(ticket, actor, Status.CANCELLED, rng.choice(content.CANCEL_REASONS))
            return
        self.clock.advance(rng, 2, 90)
        ticket = services.ticket_assign(
            actor=self.staff["supervisor"], ticket=ticket, assignee=self._agent(ticket)
        )
        agent = self._agent(ticket)
        if rng.random() < 0.3:
            self._say(ticket, agent, content.INTERNAL_NOTES, internal=True)
        if target == Status.ASSIGNED:
            return
        ticket = self._move(ticket, agent, Status.IN_PROGRESS)
        self._say(ticket, agent, content.AGENT_REPLIES)
        if target == Status.IN_PROGRESS:
            return
        if target == Status.PENDING or (customer and rng.random() < 0.4):
            self._say(ticket, agent, content.AGENT_QUESTIONS)
            ticket = self._move(ticket, agent, Status.PENDING)
            if target == Status.PENDING or customer is None:
                return
            self._say(ticket, customer, content.CUSTOMER_REPLIES)  # back to in progress
        self._say(ticket, agent, content.RESOLUTIONS)
        ticket = self._move(ticket, agent, Status.RESOLVED)
        if target == Status.RESOLVED:
            return
        side = customer or agent
        if target == Status.REOPENED:
            self._move(ticket, side, Status.REOPENED, rng.choice(content.REOPEN_REASONS))
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
                DemoBuilder(tickets=options["tickets"], seed=options["seed"]).build()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded in {time.monotonic() - started:.1f} s: {summary()}."
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
