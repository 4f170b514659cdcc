"""A real first install: the first admin, default ticket types, the first ticket (defect 15)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from gongdan.accounts.choices import Role
from gongdan.accounts.models import AgentProfile, User
from gongdan.accounts.services import token_create, user_create
from gongdan.cli import ADMIN_PASSWORD_ENV, main
from gongdan.customers.services import contact_create
from gongdan.tickets.models import Category, TicketType
from gongdan.tickets.services import ticket_create

PASSWORD = "Qd7!first-admin-pass"
DEFAULTS = importlib.import_module("gongdan.tickets.migrations.0009_default_ticket_types")


def sign_in(client: Client, username: str, password: str) -> tuple[int, str]:
    """Post the staff sign-in form as a browser would; where /desk/ leads afterwards."""
    client.post("/accounts/login/", {"username": username, "password": password})
    answer = client.get("/desk/", follow=True)
    return answer.status_code, answer.request["PATH_INFO"]


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
def test_createsuperuser_without_input_makes_an_admin_who_works_the_desk_and_the_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the password in the environment, as a deployment script passes it
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    # When the operator runs Django's createsuperuser without prompts
    call_command("createsuperuser", interactive=False, username="boss", email="Boss@Example.CN")

    # Then the superuser is a gongdan admin with an agent profile, like every admin
    boss = User.objects.get(username="boss")
    assert (boss.role, boss.is_staff, boss.is_superuser) == (Role.ADMIN, True, True)
    assert boss.email == "boss@example.cn"
    assert AgentProfile.objects.filter(user=boss).count() == 1
    # and signs in to the desk and the API
    assert sign_in(Client(), "boss", PASSWORD) == (200, "/desk/tickets/")
    _token, plaintext = token_create(user=boss, name="first")
    answer = Client().get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert answer.status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
def test_admin_create_without_input_takes_the_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ADMIN_PASSWORD_ENV, PASSWORD)

    code = main(["admin", "create", "--username", "ops", "--email", "ops@example.cn", "--no-input"])

    assert code == 0
    assert capsys.readouterr().out.startswith("created admin ops; sign in at ")
    ops = User.objects.get(username="ops")
    assert (ops.role, ops.is_superuser) == (Role.ADMIN, True)
    assert sign_in(Client(), "ops", PASSWORD) == (200, "/desk/tickets/")


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
def test_admin_create_asks_for_what_is_missing_and_refuses_mismatched_passwords(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ADMIN_PASSWORD_ENV, raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter(["root", "root@example.cn"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(typed))

    code = main(["admin", "create"])

    assert code == 2
    assert capsys.readouterr().err == "gongdan: error: the passwords do not match\n"
    assert not User.objects.filter(username="root").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
@pytest.mark.parametrize(
    ("argv", "password", "error"),
    [
        (
            ["--username", "ops", "--email", "ops@example.cn"],
            "",
            f"set {ADMIN_PASSWORD_ENV} or leave out --no-input to type the password",
        ),
        (["--email", "ops@example.cn"], PASSWORD, "--username is required with --no-input"),
    ],
)
def test_admin_create_without_input_names_what_is_missing_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    password: str,
    error: str,
) -> None:
    monkeypatch.setenv(ADMIN_PASSWORD_ENV, password)

    code = main(["admin", "create", *argv, "--no-input"])

    assert code == 2
    assert capsys.readouterr().err == f"gongdan: error: {error}\n"
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
def test_admin_create_refuses_a_weak_password_with_the_validators_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ADMIN_PASSWORD_ENV, "123")

    code = main(["admin", "create", "--username", "ops", "--email", "o@example.cn", "--no-input"])

    assert code == 2
    assert capsys.readouterr().err.startswith("gongdan: error: This password is too short.")
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
def test_the_default_types_fill_an_empty_install_once_and_new_tickets_get_the_first() -> None:
    # Given an install without any ticket type (the test database starts without the defaults)
    assert TicketType.objects.count() == 0

    # When the data migration runs (twice: it must not add a second set)
    DEFAULTS.add_default_types(apps, connection.schema_editor())
    DEFAULTS.add_default_types(apps, connection.schema_editor())

    # Then there are four bilingual types, each with its own categories
    types = list(TicketType.objects.values_list("code", "name", "name_en"))
    assert types == [
        ("incident", "故障", "Incident"),
        ("request", "服务请求", "Service request"),
        ("question", "咨询", "Question"),
        ("complaint", "投诉", "Complaint"),
    ]
    assert Category.objects.count() == 9
    assert not Category.objects.filter(ticket_type__isnull=True).exists()
    assert set(
        Category.objects.filter(ticket_type__code="complaint").values_list("name", "name_en")
    ) == {("服务投诉", "Service complaints"), ("产品投诉", "Product complaints")}
    # and a ticket that names no type is an incident, not ``ticket.no_type``
    admin = user_create(actor=None, username="boss", role=Role.ADMIN)
    contact = contact_create(actor=admin, name="陈晓明", email="chen@example.cn")
    ticket = ticket_create(actor=admin, title="打印机卡纸", requester=contact)
    assert ticket.ticket_type.code == "incident"


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
def test_the_default_types_leave_an_install_with_its_own_types_alone() -> None:
    TicketType.objects.create(code="repair", name="现场维修", name_en="Field repair")

    DEFAULTS.add_default_types(apps, connection.schema_editor())

    assert list(TicketType.objects.values_list("code", flat=True)) == ["repair"]
    assert Category.objects.count() == 0


def test_a_fresh_install_takes_its_first_ticket_from_the_first_admin(tmp_path: Path) -> None:
    """The README's steps on an empty SQLite database, in a process of its own (real migrate)."""
    script = textwrap.dedent(
        f"""
        import json
        from django.core.management import call_command
        from django.test import Client
        from gongdan.cli import _setup_django
        _setup_django()
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("createsuperuser", interactive=False, username="boss", email="b@example.cn")
        from gongdan.accounts.models import User
        from gongdan.accounts.services import token_create, user_create
        from gongdan.tickets.models import TicketType
        _t, token = token_create(user=User.objects.get(username="boss"), name="first")
        api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION="Bearer " + token)
        contact = api.post("/api/v1/contacts", {{"name": "陈晓明", "email": "chen@example.cn"}},
                           content_type="application/json")
        ticket = api.post("/api/v1/tickets", {{"title": "打印机卡纸",
                          "requester": contact.json()["id"]}}, content_type="application/json")
        desk = Client(HTTP_HOST="127.0.0.1")
        desk.post("/accounts/login/", {{"username": "boss", "password": "{PASSWORD}"}})
        page = desk.get("/desk/tickets/" + ticket.json()["number"] + "/")
        print(json.dumps({{
            "types": list(TicketType.objects.values_list("code", flat=True)),
            "contact": contact.status_code, "ticket": ticket.status_code,
            "ticket_type": ticket.json().get("ticket_type", {{}}).get("code"),
            "number": ticket.json().get("number"),
            "desk": page.status_code, "on_desk": "打印机卡纸" in page.text,
        }}))
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "GONGDAN_TESTING"}}
    env |= {"GONGDAN_DATA_DIR": str(tmp_path), "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["types"] == ["incident", "request", "question", "complaint"]
    assert (result["contact"], result["ticket"], result["desk"]) == (201, 201, 200)
    assert result["ticket_type"] == "incident"
    assert result["on_desk"] is True


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # a first install starts from empty tables
def test_admin_create_ends_with_one_line_when_the_terminal_closes_at_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ADMIN_PASSWORD_ENV, raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)

    def closed(_prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("getpass.getpass", closed)

    code = main(["admin", "create", "--username", "ops", "--email", "ops@example.cn"])

    assert code == 2
    assert capsys.readouterr().err == "gongdan: error: no password given\n"
    assert User.objects.count() == 0
