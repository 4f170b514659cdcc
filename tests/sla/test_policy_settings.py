"""Settings → SLA policies: the service, the pages and the API (targets, levels, validation)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from gongdan.audit.models import AuditEvent
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.core.models import OutboxEvent
from gongdan.sla import policy_services as services
from gongdan.sla.models import EscalationLevel, SlaPolicy
from gongdan.sla.services import calendar_create
from gongdan.testing import Api, World

URL = "/desk/settings/sla-policies/"


def snapshot() -> list[Any]:
    return [
        list(SlaPolicy.objects.values_list("name", "first_response_minutes").order_by("id")),
        list(EscalationLevel.objects.values_list("policy_id", "after_minutes").order_by("id")),
    ]


@pytest.fixture
def gold(world: World) -> SlaPolicy:
    return services.policy_create(
        actor=world.admin,
        name="金牌 Gold",
        first_response_minutes=30,
        resolution_minutes=480,
        priorities=["high", "urgent"],
        levels=[services.LevelIn(after_minutes=0), services.LevelIn(after_minutes=60)],
    )


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "标准 Standard",
        "position": "50",
        "is_active": "on",
        "first_response_minutes": "60",
        "next_response_minutes": "",
        "resolution_minutes": "1440",
        "calendar": "",
        "remind_before_minutes": "",
        "level-TOTAL_FORMS": "2",
        "level-INITIAL_FORMS": "0",
        "level-MIN_NUM_FORMS": "0",
        "level-MAX_NUM_FORMS": "1000",
        "level-0-after_minutes": "0",
        "level-0-notify_assignee": "on",
        "level-1-after_minutes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- service -------------------------------------------------------------------------------------
def test_a_policy_is_created_with_its_levels_audited_and_announced(
    world: World, gold: SlaPolicy
) -> None:
    assert list(gold.levels.values_list("after_minutes", flat=True)) == [0, 60]
    assert gold.priorities == ["high", "urgent"]
    assert AuditEvent.objects.filter(action="sla_policy.created", object_id=str(gold.pk)).exists()
    assert OutboxEvent.objects.filter(event_type="sla_policy.created").exists()


def test_updating_levels_keeps_a_level_at_the_same_time(world: World, gold: SlaPolicy) -> None:
    kept = gold.levels.get(after_minutes=60)
    kept.add_watchers.add(world.supervisor)

    services.policy_update(
        actor=world.admin,
        policy=gold,
        levels=[
            services.LevelIn(after_minutes=60, move_to_team=world.field_team),
            services.LevelIn(after_minutes=120, notify_supervisors=True),
        ],
    )

    rows = list(gold.levels.order_by("after_minutes"))
    assert [(r.after_minutes, r.move_to_team_id) for r in rows] == [
        (60, world.field_team.pk),
        (120, None),
    ]
    assert rows[0].pk == kept.pk and list(rows[0].add_watchers.all()) == [world.supervisor]
    assert AuditEvent.objects.filter(action="sla_policy.updated").exists()


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"name": "金牌 gold"}, "sla_policy.exists", "name"),
        ({"first_response_minutes": -5}, "sla_policy.invalid", "first_response_minutes"),
        ({"resolution_minutes": 0}, "sla_policy.invalid", "resolution_minutes"),
        ({"priorities": ["soon"]}, "sla_policy.invalid", "priorities"),
        (
            {"levels": [services.LevelIn(after_minutes=60), services.LevelIn(after_minutes=30)]},
            "sla_policy.levels_invalid",
            "levels.1.after_minutes",
        ),
        (
            {"levels": [services.LevelIn(after_minutes=0), services.LevelIn(after_minutes=0)]},
            "sla_policy.levels_invalid",
            "levels.1.after_minutes",
        ),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_saved(
    world: World, gold: SlaPolicy, values: dict[str, Any], code: str, field: str
) -> None:
    before = snapshot()
    values = {"name": "新 New", **values}

    with pytest.raises(ValidationFailed) as caught:
        services.policy_create(actor=world.admin, **values)

    assert caught.value.code == code and field in caught.value.fields
    assert snapshot() == before


def test_a_failed_update_changes_nothing(world: World, gold: SlaPolicy) -> None:
    before = snapshot()

    with pytest.raises(ValidationFailed):
        services.policy_update(
            actor=world.admin,
            policy=gold,
            first_response_minutes=10,
            levels=[services.LevelIn(after_minutes=5), services.LevelIn(after_minutes=5)],
        )

    assert snapshot() == before


def test_the_messages_are_translated(world: World, gold: SlaPolicy) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        services.policy_create(actor=world.admin, name="金牌 Gold")

    assert caught.value.fields["name"] == "已有同名的服务级别策略。"


@pytest.mark.parametrize("who", ["supervisor", "agent", "customer"])
def test_only_admins_write(world: World, who: str) -> None:
    with pytest.raises(Forbidden):
        services.policy_create(actor=getattr(world, who), name="X")
    assert not SlaPolicy.objects.exists()


# --- pages ---------------------------------------------------------------------------------------
def test_an_admin_creates_a_policy_with_a_level_on_the_page(world: World) -> None:
    calendar = calendar_create(name="办公室", code="office")
    client = world.client_for(world.admin)

    assert client.get(f"{URL}new/").status_code == 200
    response = client.post(f"{URL}new/", form(calendar=str(calendar.pk), business_time="on"))

    assert response.status_code == 302
    policy = SlaPolicy.objects.get(name="标准 Standard")
    assert (policy.first_response_minutes, policy.calendar_id) == (60, calendar.pk)
    assert list(policy.levels.values_list("after_minutes", "notify_assignee")) == [(0, True)]


def test_the_edit_page_saves_and_shows_levels(world: World, gold: SlaPolicy) -> None:
    client = world.client_for(world.admin)
    page = client.get(f"{URL}{gold.pk}/")
    assert page.status_code == 200 and b'value="60"' in page.content

    response = client.post(
        f"{URL}{gold.pk}/",
        form(
            name="金牌 Gold",
            **{
                "level-TOTAL_FORMS": "2",
                "level-0-after_minutes": "15",
                "level-1-after_minutes": "90",
                "level-1-move_to_team": str(world.it_team.pk),
            },
        ),
    )

    assert response.status_code == 302
    assert list(gold.levels.values_list("after_minutes", "move_to_team")) == [
        (15, None),
        (90, world.it_team.pk),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "金牌 Gold"}, "已有同名的服务级别策略。"),
        ({"first_response_minutes": "-1"}, "请输入 1 到 527040 之间的整数分钟数。"),
        (
            {"level-0-after_minutes": "60", "level-1-after_minutes": "30"},
            "每一级升级都必须晚于上一级",
        ),
    ],
)
def test_bad_input_on_the_page_is_422_translated_and_nothing_saved(
    world: World, gold: SlaPolicy, overrides: dict[str, str], message: str
) -> None:
    client = world.client_for(world.admin)
    before = snapshot()

    response = client.post(f"{URL}new/", form(**overrides), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot() == before


def test_supervisors_read_but_cannot_post(world: World, gold: SlaPolicy) -> None:
    client = world.client_for(world.supervisor)
    before = snapshot()

    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{gold.pk}/").status_code == 200
    assert client.get(f"{URL}new/").status_code == 403
    assert client.post(f"{URL}{gold.pk}/", form(name="X")).status_code == 403
    assert client.post(f"{URL}new/", form()).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_agents_and_customers_get_403(world: World, gold: SlaPolicy, who: str) -> None:
    client = world.client_for(getattr(world, who))
    before = snapshot()

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{gold.pk}/").status_code == 403
    assert client.post(f"{URL}{gold.pk}/", form(name="X")).status_code == 403
    assert snapshot() == before


def test_the_list_costs_a_fixed_number_of_queries(
    world: World, gold: SlaPolicy, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        services.policy_create(
            actor=world.admin,
            name=f"P{n}",
            ticket_types=[world.incident],
            levels=[services.LevelIn(after_minutes=0, move_to_team=world.it_team)],
        )
    client = world.client_for(world.admin)
    client.get(URL)

    with django_assert_max_num_queries(12):
        response = client.get(URL)

    assert response.status_code == 200 and response.content.count(b"data-policy=") == 6


# --- API -----------------------------------------------------------------------------------------
def test_the_api_creates_reads_and_updates_a_policy(world: World, api: Api) -> None:
    calendar_create(name="办公室", code="office")
    admin = api.as_(world.admin)

    created = admin.post(
        "/sla-policies",
        {
            "name": "API",
            "calendar": "office",
            "first_response_minutes": 30,
            "ticket_types": [world.incident.pk],
            "levels": [
                {"after_minutes": 0},
                {"after_minutes": 30, "move_to_team": world.it_team.pk},
            ],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["calendar"] == "office" and body["ticket_types"] == [world.incident.pk]
    assert [lv["after_minutes"] for lv in body["levels"]] == [0, 30]

    changed = admin.patch(f"/sla-policies/{body['id']}", {"calendar": None, "levels": []})
    assert changed.status_code == 200
    assert changed.json()["calendar"] is None and changed.json()["levels"] == []
    assert api.as_(world.supervisor).get(f"/sla-policies/{body['id']}").status_code == 200
    listed = api.as_(world.supervisor).get("/sla-policies")
    assert [p["name"] for p in listed.json()] == ["API"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "金牌 Gold"}, "sla_policy.exists"),
        ({"name": "N", "first_response_minutes": -1}, "sla_policy.invalid"),
        (
            {"name": "N", "levels": [{"after_minutes": 10}, {"after_minutes": 10}]},
            "sla_policy.levels_invalid",
        ),
        ({"name": "N", "calendar": "nope"}, "invalid_reference"),
        ({"name": "N", "ticket_types": [999999]}, "invalid_reference"),
        (
            {"name": "N", "levels": [{"after_minutes": 0, "move_to_team": 999999}]},
            "invalid_reference",
        ),
    ],
)
def test_the_api_refuses_bad_input_with_422(
    world: World, api: Api, gold: SlaPolicy, body: dict[str, Any], code: str
) -> None:
    before = snapshot()

    response = api.as_(world.admin).post("/sla-policies", body)

    assert response.status_code == 422 and response.json()["code"] == code
    assert snapshot() == before


@pytest.mark.parametrize("who", ["supervisor", "agent", "customer"])
def test_the_api_writes_are_for_admins(world: World, api: Api, gold: SlaPolicy, who: str) -> None:
    caller = api.as_(getattr(world, who))
    before = snapshot()

    assert caller.post("/sla-policies", {"name": "X"}).status_code == 403
    assert caller.patch(f"/sla-policies/{gold.pk}", {"name": "X"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_the_api_reads_are_for_managers(world: World, api: Api, gold: SlaPolicy, who: str) -> None:
    caller = api.as_(getattr(world, who))

    assert caller.get("/sla-policies").status_code == 403
    assert caller.get(f"/sla-policies/{gold.pk}").status_code == 403


def test_the_api_list_costs_a_fixed_number_of_queries(
    world: World, api: Api, gold: SlaPolicy, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        services.policy_create(actor=world.admin, name=f"P{n}", categories=[world.printer])
    caller = api.as_(world.admin)
    caller.get("/sla-policies")

    with django_assert_max_num_queries(10):
        response = caller.get("/sla-policies")

    assert len(response.json()) == 6
