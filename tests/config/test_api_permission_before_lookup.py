"""Permission first, then lookups (issue 12, defect 7).

A caller who may not do something gets the same answer whether the ids in the request exist or
not: checking ids first answered 422 "unknown id" for a missing one and 403 for a real one, so a
customer could list which teams, categories, organizations, users and policies exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongdan.knowledge import services as kb
from gongdan.knowledge.choices import ArticleStatus, Visibility
from gongdan.knowledge.models import Article, ArticleFile, Category
from gongdan.sla.models import SlaPolicy
from gongdan.sla.seeding import seed_china_calendar
from gongdan.testing import Api, World
from gongdan.tickets.models import Reminder, Supervision

MISSING = 987_654


def _published(world: World, visibility: str = Visibility.PUBLIC) -> Article:
    data = kb.ArticleData(title="打印机常见问题 FAQ", body="重启。", visibility=visibility)
    article = kb.article_create(actor=world.supervisor, data=data)
    return kb.article_transition(
        actor=world.supervisor, article=article, to=ArticleStatus.PUBLISHED
    )


def _policy(world: World) -> int:
    calendar = seed_china_calendar().calendar
    return SlaPolicy.objects.create(
        name="标准", position=1, calendar=calendar, first_response_minutes=60
    ).pk


@dataclass(frozen=True)
class Case:
    """``call(api, world, id)`` sends the request with ``id`` in it; ``real(world)`` is an id
    that exists; ``caller`` names the persona who may not do it."""

    caller: str
    call: Callable[[Any, World, int], Any]
    real: Callable[[World], int]


CASES = {
    "knowledge_articles_create.team": Case(
        "customer",
        lambda c, w, i: c.post("/knowledge/articles", {"title": "x", "team": i}),
        lambda w: w.it_team.pk,
    ),
    "knowledge_articles_create.category": Case(
        "customer",
        lambda c, w, i: c.post("/knowledge/articles", {"title": "x", "category": i}),
        lambda w: Category.objects.create(name="网络").pk,
    ),
    "knowledge_articles_create.organizations": Case(
        "customer",
        lambda c, w, i: c.post("/knowledge/articles", {"title": "x", "organizations": [i]}),
        lambda w: w.globex.pk,
    ),
    "knowledge_articles_update.team": Case(
        "customer",
        lambda c, w, i: c.patch(f"/knowledge/articles/{_published(w).pk}", {"team": i}),
        lambda w: w.it_team.pk,
    ),
    "knowledge_articles_update.organizations": Case(
        "customer",
        lambda c, w, i: c.patch(f"/knowledge/articles/{_published(w).pk}", {"organizations": [i]}),
        lambda w: w.globex.pk,
    ),
    "knowledge_categories_create.parent": Case(
        "agent",
        lambda c, w, i: c.post("/knowledge/categories", {"name": "新", "parent": i}),
        lambda w: Category.objects.create(name="网络").pk,
    ),
    "knowledge_categories_update": Case(
        "customer",
        lambda c, w, i: c.patch(f"/knowledge/categories/{i}", {"name": "改"}),
        lambda w: Category.objects.create(name="网络").pk,
    ),
    "knowledge_files_download": Case(
        "customer",
        lambda c, w, i: c.get(f"/knowledge/files/{i}"),
        lambda w: (
            kb.file_add(
                actor=w.supervisor,
                article=_published(w, Visibility.INTERNAL),
                upload=SimpleUploadedFile("spares.txt", b"parts", content_type="text/plain"),
            ).pk
        ),
    ),
    "users_create.teams": Case(
        "agent",
        lambda c, w, i: c.post("/users", {"username": "newbie", "role": "agent", "teams": [i]}),
        lambda w: w.field_team.pk,
    ),
    "teams_create.lead": Case(
        "agent",
        lambda c, w, i: c.post("/teams", {"code": "net", "name": "网络组", "lead": i}),
        lambda w: w.other_agent.pk,
    ),
    "contacts_create.organization": Case(
        "customer",
        lambda c, w, i: c.post("/contacts", {"name": "新联系人", "organization": i}),
        lambda w: w.acme.pk,  # the customer's own organization
    ),
    "sla_preview.policy": Case(
        "customer",
        lambda c, w, i: c.post("/sla/preview", {"start": "2026-12-07T09:00:00+08:00", "policy": i}),
        _policy,
    ),
    "tickets_take_next.team": Case(
        "customer",
        lambda c, w, i: c.post("/tickets/take-next", {"team": i}),
        lambda w: w.it_team.pk,
    ),
    "reminders_create.recipient": Case(
        "customer",
        lambda c, w, i: c.post(
            f"/tickets/{w.ticket().number}/reminders",
            {"remind_at": (timezone.now() + timedelta(hours=1)).isoformat(), "recipient": i},
        ),
        lambda w: w.agent.pk,
    ),
    "supervisions_create.team": Case(
        "agent",
        lambda c, w, i: c.post(
            "/supervisions",
            {
                "team": i,
                "requirements": "请说明",
                "deadline": (timezone.now() + timedelta(days=1)).isoformat(),
            },
        ),
        lambda w: w.field_team.pk,
    ),
}


def _answer(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


@pytest.mark.parametrize("name", list(CASES))
def test_a_refused_caller_learns_nothing_about_which_ids_exist(
    world: World, api: Api, name: str
) -> None:
    # Given a caller who may not do this, and an id that exists
    case = CASES[name]
    caller = api.as_(getattr(world, case.caller))
    real = case.real(world)
    before = (Article.objects.count(), Category.objects.count(), ArticleFile.objects.count())
    counts = (Reminder.objects.count(), Supervision.objects.count())

    # When they send it, and then an id that does not exist
    with_real = _answer(case.call(caller, world, real))
    with_missing = _answer(case.call(caller, world, MISSING))

    # Then both answers are the same refusal, and nothing was written
    assert with_real == with_missing
    assert with_real[0] in {403, 404}
    assert (Reminder.objects.count(), Supervision.objects.count()) == counts
    assert Category.objects.count() == before[1]
