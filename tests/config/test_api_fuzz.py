"""Every API operation, fuzzed from its own OpenAPI schema: nothing the schema admits answers 500.

schemathesis (v4) generates requests for each operation from the live schema and sends them
in-process to the WSGI app, once with an administrator's token and once with a customer's. Every
response must not be a server error, must use a status and content type the operation declares,
and its body must match the declared schema. Examples are bounded and derandomised, so a run is
reproducible and the module stays around a minute on SQLite.

Path parameters are mostly swapped for ids that exist (a ticket with an attachment, a watcher, a
reminder and a supervision; an article and its file; a skill, a rule, a calendar, …), so the
requests reach the services instead of stopping at 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongdan.accounts.models import Skill
from gongdan.assignment.models import AssignmentRule
from gongdan.channels import im_apps
from gongdan.channels.sms import configure as sms_configure
from gongdan.channels.webform import configure as webform_configure
from gongdan.config.api import api as ninja_api
from gongdan.knowledge import services as kb_services
from gongdan.knowledge.choices import ArticleStatus, Visibility
from gongdan.sla import policy_services as sla_policies
from gongdan.sla import services as sla_services
from gongdan.testing import World, session_world, upload
from gongdan.tickets import services as ticket_services
from gongdan.tickets.models import SavedView

with translation.override("en"):
    schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema())
schema.app = WSGIHandler()
schema.config.generation.update(modes=[GenerationMode.POSITIVE])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Fuzzed:
    tokens: dict[str, str]
    known: dict[str, list[Any]]
    """Existing values by path-parameter name."""


def _build() -> Fuzzed:
    world: World = session_world()
    ticket = world.ticket()
    attachment = ticket_services.attachment_add(
        actor=world.customer, ticket=ticket, upload=upload("报告.pdf")
    )
    article = kb_services.article_create(
        actor=world.supervisor,
        data=kb_services.ArticleData(title="打印机卡纸 Paper jam", visibility=Visibility.PUBLIC),
    )
    article = kb_services.article_transition(
        actor=world.supervisor, article=article, to=ArticleStatus.PUBLISHED
    )
    image = kb_services.file_add(
        actor=world.supervisor,
        article=article,
        upload=upload("图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png"),
    )
    category = kb_services.category_save(actor=world.admin, name="硬件", name_en="Hardware")
    skill = Skill.objects.create(code="printer", name="打印机")
    rule = AssignmentRule.objects.create(name="IT")
    calendar = sla_services.calendar_create(name="办公 Office", code="office")
    policy = sla_policies.policy_create(
        actor=world.admin,
        name="金牌 Gold",
        first_response_minutes=30,
        levels=[sla_policies.LevelIn(after_minutes=0)],
    )
    webform = webform_configure.webform_create(actor=world.admin, name="官网", team=world.it_team)
    im_app = im_apps.im_app_create(
        actor=world.admin, vendor="feishu", code="fs", name="飞书", app_key="k", app_secret="s"
    )
    provider = sms_configure.provider_create(  # a loopback endpoint: refused, never sent
        actor=world.admin,
        name="阿里云",
        vendor="aliyun",
        key_id="k",
        key_secret="s",
        sign_name="工单",
        template="SMS_1",
        endpoint="http://127.0.0.1:9/",
    )
    later = timezone.now() + timedelta(days=1)
    watcher = ticket_services.watcher_add(actor=world.admin, ticket=ticket, user=world.agent)
    reminder = ticket_services.reminder_create(actor=world.admin, ticket=ticket, remind_at=later)
    supervision = ticket_services.supervision_open(
        actor=world.admin, requirements="今天内回复客户", deadline=later, ticket=ticket
    )
    saved_view = SavedView.objects.create(
        user=world.admin, name="全部 all", query="view=all", visibility="everyone"
    )
    return Fuzzed(
        tokens={
            "admin": world.token_for(world.admin),
            "customer": world.token_for(world.customer),
        },
        known={
            "number": [ticket.number],
            "attachment_id": [attachment.pk],
            "article_id": [article.pk],
            "file_id": [image.pk],
            "category_id": [category.pk, world.printer.pk],  # knowledge and ticket categories
            "type_id": [world.incident.pk, world.repair.pk],
            "skill_id": [skill.pk],
            "code": [skill.code, calendar.code],
            "rule_id": [rule.pk],
            "user_id": [world.agent.pk, world.customer.pk],
            "team_id": [world.it_team.pk],
            "watcher_id": [watcher.pk] if watcher else [],
            "reminder_id": [reminder.pk],
            "supervision_id": [supervision.pk],
            "policy_id": [policy.pk],
            "webform_id": [webform.pk],
            "app_id": [im_app.pk],
            "vendor": ["feishu"],
            "provider_id": [provider.pk],
            "view_id": [saved_view.pk],
        },
    )


@pytest.fixture(scope="module")
def fuzzed(django_db_setup: None, django_db_blocker: Any) -> Iterator[Fuzzed]:
    """The personas and a few rows once for the module, rolled back at its end (each test runs
    in a savepoint inside this transaction)."""
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction (PostgreSQL would then refuse every later query).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin", "customer"])
def persona(request: Any, fuzzed: Fuzzed, db: None, settings: Any) -> tuple[str, Fuzzed]:
    settings.GONGDAN_API_RATE = "1000000/min"
    return request.param, fuzzed


def _known_path(case: Any, known: dict[str, list[Any]]) -> None:
    """Three generated ids in four become an existing one (chosen from the generated value)."""
    for name, value in list((case.path_parameters or {}).items()):
        rows = known.get(name)
        seed = value if isinstance(value, int) else len(str(value))
        if rows and seed % 4:
            case.path_parameters[name] = rows[seed % len(rows)]


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_operation_answers_500(case: Any, persona: tuple[str, Fuzzed]) -> None:
    role, fuzzed = persona
    _known_path(case, fuzzed.known)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzzed.tokens[role]}"}, checks=CHECKS
    )
