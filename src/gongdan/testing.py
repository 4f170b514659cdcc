"""Personas and helpers for tests (a pytest plugin, loaded by the root conftest).

``world`` gives one of each: admin, supervisor, agent (team IT), other_agent (team Field),
customer and org_admin (organization Acme), other_customer (organization Globex), two ticket
types and a category — Healthchecks-style alice/bob/charlie, for a helpdesk.

The personas are built once per test run, committed right after the test database is created
(``django_db_setup``), and every test that uses the database sees them; each test runs in a
transaction that is rolled back, so what a test changes is gone for the next one (Django's
``setUpTestData``, for a whole run). ``world`` hands each test its own deep copy of the model
instances, so one test's in-memory edits never reach another. Transactional tests (live server,
concurrency proofs) end with a flush that empties every table; they run after all the others
(pytest-django orders them last) and rebuild the personas when they find them gone. A test that
needs empty tables asks for ``empty_db``, which deletes the personas inside its transaction.

Lives at the top of the package, not in ``core``: it builds rows of every domain app.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client

from gongdan.accounts.choices import Role
from gongdan.accounts.desk import desk_configured
from gongdan.accounts.models import Team, User
from gongdan.accounts.services import team_create, token_create, user_create
from gongdan.core import cache as process_cache
from gongdan.customers.models import Contact, Organization
from gongdan.customers.services import contact_create, organization_create
from gongdan.tickets import services
from gongdan.tickets.models import Category, Ticket, TicketLink, TicketType


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``postgres_only`` (concurrency proofs) are skipped on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


def run_together(count: int, work: Any) -> list[Any]:
    """Start ``count`` threads at the same moment (``work(i)`` each, its own database
    connection); exceptions come back in the results. For concurrency proofs on PostgreSQL."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # reported through the results
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


PASSWORD = "Gongdan-test-2026"


@dataclass
class World:
    admin: User
    supervisor: User
    agent: User
    other_agent: User
    customer: User
    org_admin: User
    other_customer: User
    it_team: Team
    field_team: Team
    acme: Organization
    globex: Organization
    incident: TicketType
    repair: TicketType
    printer: Category

    @property
    def customer_contact(self) -> Contact:
        return Contact.objects.get(user=self.customer)

    @property
    def other_contact(self) -> Contact:
        return Contact.objects.get(user=self.other_customer)

    def ticket(self, *, by: User | None = None, **kwargs: Any) -> Ticket:
        """A ticket of the customer's in the IT team's queue (created by the customer)."""
        kwargs.setdefault("title", "打印机无法打印 Printer offline")
        kwargs.setdefault("ticket_type", self.incident)
        by = by or self.customer
        if by.role != Role.CUSTOMER:
            kwargs.setdefault("requester", self.customer_contact)
        return services.ticket_create(actor=by, **kwargs)

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def token_for(self, user: User) -> str:
        return token_create(user=user, name="test")[1]


def make_world() -> World:
    """The personas, in a database as migrated. They bring their own ticket types (``incident``
    among them): a fresh install's default types and categories (a data migration) are removed
    first. tests/ops/test_first_install.py checks those defaults."""
    Category.objects.all().delete()
    TicketType.objects.all().delete()

    def staff(name: str, role: str, teams: list[Team]) -> User:
        return user_create(
            actor=None,
            username=name,
            role=role,
            password=PASSWORD,
            email=f"{name}@gongdan.test",
            display_name=name,
            teams=teams,
        )

    desk_configured()  # the personas' desk is past its first-run page
    it_team = team_create(actor=None, code="it", name="IT 运维 IT Ops")
    field_team = team_create(actor=None, code="field", name="现场服务 Field Service")
    acme = organization_create(actor=None, code="acme", name="艾克米 Acme")
    globex = organization_create(actor=None, code="globex", name="环球 Globex")

    def customer(name: str, org: Organization, *, org_admin: bool = False) -> User:
        user = user_create(
            actor=None,
            username=name,
            role=Role.CUSTOMER,
            password=PASSWORD,
            email=f"{name}@customer.test",
            display_name=name,
        )
        contact_create(
            actor=None,
            name=name,
            email=user.email,
            organization=org,
            is_org_admin=org_admin,
            user=user,
        )
        return user

    incident = TicketType.objects.create(
        code="incident", name="故障", name_en="Incident", default_team=it_team, sort_order=1
    )
    repair = TicketType.objects.create(
        code="repair",
        name="现场维修",
        name_en="Field repair",
        default_team=field_team,
        is_onsite=True,
        sort_order=2,
    )
    return World(
        admin=staff("admin", Role.ADMIN, []),
        supervisor=staff("supervisor", Role.SUPERVISOR, []),
        agent=staff("agent", Role.AGENT, [it_team]),
        other_agent=staff("other_agent", Role.AGENT, [field_team]),
        customer=customer("customer", acme),
        org_admin=customer("org_admin", acme, org_admin=True),
        other_customer=customer("other_customer", globex),
        it_team=it_team,
        field_team=field_team,
        acme=acme,
        globex=globex,
        incident=incident,
        repair=repair,
        printer=Category.objects.create(name="打印机", name_en="Printer"),
    )


class _Session:
    """The personas committed for this run (None until the test database exists), and the
    primary keys each table held before them (what the migrations wrote)."""

    world: World | None = None
    migrated: ClassVar[dict[type[Model], set[Any]]] = {}


def _build_committed_world() -> World:
    from django.apps import apps

    concrete = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    _Session.migrated = {m: set(m._base_manager.values_list("pk", flat=True)) for m in concrete}
    _Session.world = make_world()
    return _Session.world


def _world_is_stored(world: World) -> bool:
    return User.objects.filter(pk=world.admin.pk, username=world.admin.username).exists()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """pytest-django's test database, with the personas committed in it once."""
    with django_db_blocker.unblock():
        _build_committed_world()


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


def session_world() -> World:
    """A private copy of the personas committed for this run, for fixtures wider than a test
    (a module's own rows built once on top of them)."""
    assert _Session.world is not None, "the personas are built with the test database"
    return copy.deepcopy(_Session.world)


@pytest.fixture
def world(request: pytest.FixtureRequest, db: None) -> World:
    """The personas: a private copy per test (their rows roll back with the test)."""
    stored = _Session.world
    if _transactional(request) and (stored is None or not _world_is_stored(stored)):
        # The flush that ended an earlier transactional test removed them: build them again,
        # committed (this test has no enclosing transaction).
        stored = _build_committed_world()
    assert stored is not None, "the personas are built with the test database"
    return copy.deepcopy(stored)


@pytest.fixture
def empty_db(db: None) -> None:
    """The tables as the migrations left them: the personas' rows (and everything they made)
    are deleted inside the test's transaction, so they are back for the next test. Foreign keys
    are deferred to commit on both databases, and this transaction never commits."""
    from django.db import connection

    for model, kept in _Session.migrated.items():
        rows = model._base_manager.exclude(pk__in=kept) if kept else model._base_manager.all()
        rows._raw_delete(connection.alias)


def upload(name: str = "报告.pdf", content: bytes = b"%PDF-1.4 test", **kw: Any) -> Any:
    return SimpleUploadedFile(name, content, **kw)


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Any:
    """Per-process caches must not carry rows from one test's (rolled back) data to the next."""
    process_cache.clear_all()
    yield
    process_cache.clear_all()


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> Any:
    """Tests read English messages; the product default (zh-Hans) is tested explicitly."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- the API as the personas call it ------------------------------------------------------------
@pytest.fixture(autouse=True)
def _local_cache(settings: Any) -> Iterator[None]:
    """Every test counts its rate limits and lockouts in an in-process cache of its own (the
    test database has no cache table); a test of the shared cache configures its own."""
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-tests-{alias}",
        }
        for alias in ("default", "local")
    }
    from django.core.cache import caches

    for alias in ("default", "local"):
        caches[alias].clear()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


class Api:
    """``api.as_(user).get("/tickets")`` with a bearer token; paths are under /api/v1."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._tokens: dict[int, str] = {}

    def token(self, user: User) -> str:
        if user.pk not in self._tokens:
            self._tokens[user.pk] = self.world.token_for(user)
        return self._tokens[user.pk]

    def as_(self, user: User | None) -> Caller:
        return Caller(self.token(user) if user is not None else None)


class Caller:
    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        call = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **(headers or {})}, **kw}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return call(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("post", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("patch", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("put", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._send("delete", path, **kw)

    def upload(self, path: str, upload: Any, **fields: Any) -> Any:
        return self.client.post(
            f"/api/v1{path}", data={"file": upload, **fields}, headers=self.headers
        )


@pytest.fixture
def api(world: World) -> Api:
    """Bearer-token API clients for the personas: ``api.as_(world.agent).get("/tickets")``."""
    return Api(world)


def state(ticket: Any) -> dict[str, Any]:
    """Everything an outsider's request must leave alone, re-read from the database."""
    fresh = Ticket.objects.get(pk=ticket.pk)
    return {
        "version": fresh.version,
        "status": fresh.status,
        "title": fresh.title,
        "priority": fresh.priority,
        "team": fresh.team_id,
        "assignee": fresh.assignee_id,
        "merged_into": fresh.merged_into_id,
        "comments": fresh.comments.count(),
        "attachments": fresh.attachments.count(),
        "timeline": fresh.timeline.count(),
        "children": fresh.children.count(),
        "links": TicketLink.objects.filter(source=fresh).count(),
    }
