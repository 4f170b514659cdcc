"""/api/v1/me, /users, /teams, /organizations and /contacts."""

from __future__ import annotations

import pytest

from gongdan.accounts.models import Team, User
from gongdan.customers.models import Contact, Organization
from gongdan.testing import Api, World

# --- me_get -------------------------------------------------------------------------------------


def test_me_describes_a_customer(world: World, api: Api) -> None:
    response = api.as_(world.org_admin).get("/me")

    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["role"], body["is_staff_member"]) == (
        "org_admin",
        "customer",
        False,
    )
    assert (body["organization_id"], body["is_org_admin"], body["teams"]) == (
        world.acme.pk,
        True,
        [],
    )


def test_me_without_credentials_is_401(world: World, api: Api) -> None:
    response = api.as_(None).get("/me")

    assert response.status_code == 401


# --- users_list / users_create ------------------------------------------------------------------


def test_users_list_for_an_agent_shows_staff_only(world: World, api: Api) -> None:
    response = api.as_(world.agent).get("/users?size=100")

    assert [u["username"] for u in response.json()["items"]] == [
        "admin",
        "agent",
        "other_agent",
        "supervisor",
    ]


def test_users_list_for_a_customer_shows_only_themselves(world: World, api: Api) -> None:
    response = api.as_(world.customer).get("/users")

    assert [u["username"] for u in response.json()["items"]] == ["customer"]


def test_admin_creates_an_agent_in_a_team(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(
        "/users",
        {
            "username": "xiaowang",
            "role": "agent",
            "display_name": "小王",
            "email": "wang@gongdan.test",
            "teams": [world.it_team.pk],
        },
    )

    assert response.status_code == 201
    assert response.json()["display_name"] == "小王"
    user = User.objects.get(username="xiaowang")
    assert list(user.teams.all()) == [world.it_team]


def test_users_create_reports_a_taken_login_per_field(world: World, api: Api) -> None:
    response = api.as_(world.admin).post("/users", {"username": "agent", "role": "agent"})

    assert response.status_code == 422
    assert response.json()["fields"] == {"username": "This login name is taken."}


@pytest.mark.parametrize("outsider", ["agent", "supervisor", "customer"])
def test_users_create_is_403_for_non_admins(world: World, api: Api, outsider: str) -> None:
    before = User.objects.count()

    response = api.as_(getattr(world, outsider)).post("/users", {"username": "x", "role": "admin"})

    assert response.status_code == 403
    assert User.objects.count() == before


# --- teams_list / teams_create ------------------------------------------------------------------


def test_teams_list_for_staff(world: World, api: Api) -> None:
    response = api.as_(world.agent).get("/teams")

    assert [t["code"] for t in response.json()["items"]] == ["it", "field"]


def test_teams_list_is_empty_for_a_customer(world: World, api: Api) -> None:
    response = api.as_(world.customer).get("/teams")

    assert response.json() == {"items": [], "next_cursor": None, "prev_cursor": None}


def test_admin_creates_a_team_with_a_lead(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(
        "/teams", {"code": "east", "name": "华东服务台", "kind": "region", "lead": world.agent.pk}
    )

    assert response.status_code == 201
    assert response.json()["lead"]["username"] == "agent"
    assert Team.objects.get(code="east").members.get() == world.agent


def test_teams_create_rejects_a_bad_code(world: World, api: Api) -> None:
    response = api.as_(world.admin).post("/teams", {"code": "有 空格", "name": "x"})

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["code"]


@pytest.mark.parametrize("outsider", ["agent", "customer"])
def test_teams_create_is_403_for_non_admins(world: World, api: Api, outsider: str) -> None:
    response = api.as_(getattr(world, outsider)).post("/teams", {"code": "x", "name": "x"})

    assert response.status_code == 403
    assert Team.objects.count() == 2


# --- organizations ------------------------------------------------------------------------------


def test_organizations_list_for_a_customer_is_their_own(world: World, api: Api) -> None:
    staff = api.as_(world.agent).get("/organizations").json()
    customer = api.as_(world.other_customer).get("/organizations").json()

    assert [o["code"] for o in staff["items"]] == ["globex", "acme"]  # 环球 < 艾克米
    assert [o["code"] for o in customer["items"]] == ["globex"]


def test_supervisor_creates_an_organization(world: World, api: Api) -> None:
    response = api.as_(world.supervisor).post(
        "/organizations", {"code": "initech", "name": "英泰科"}
    )

    assert response.status_code == 201
    assert Organization.objects.get(code="initech").name == "英泰科"


@pytest.mark.parametrize("outsider", ["agent", "customer", "org_admin"])
def test_organizations_create_is_403_for_others(world: World, api: Api, outsider: str) -> None:
    response = api.as_(getattr(world, outsider)).post("/organizations", {"code": "x", "name": "x"})

    assert response.status_code == 403
    assert Organization.objects.count() == 2


# --- contacts -----------------------------------------------------------------------------------


def test_contacts_list_for_an_org_admin_is_their_organization(world: World, api: Api) -> None:
    response = api.as_(world.org_admin).get("/contacts")

    assert [c["name"] for c in response.json()["items"]] == ["customer", "org_admin"]


def test_contacts_list_for_another_customer_excludes_acme(world: World, api: Api) -> None:
    response = api.as_(world.other_customer).get("/contacts")

    assert [c["name"] for c in response.json()["items"]] == ["other_customer"]


def test_agent_creates_a_contact_for_a_caller(world: World, api: Api) -> None:
    response = api.as_(world.agent).post(
        "/contacts", {"name": "张三", "mobile": "13800000000", "organization": world.acme.pk}
    )

    assert response.status_code == 201
    assert response.json()["organization"]["code"] == "acme"
    assert Contact.objects.get(mobile="13800000000").name == "张三"


def test_contact_without_email_or_mobile_is_422(world: World, api: Api) -> None:
    response = api.as_(world.agent).post("/contacts", {"name": "无名"})

    assert response.status_code == 422
    assert response.json()["code"] == "contact.invalid"


@pytest.mark.parametrize("outsider", ["customer", "org_admin"])
def test_contacts_create_is_403_for_customers(world: World, api: Api, outsider: str) -> None:
    before = Contact.objects.count()

    response = api.as_(getattr(world, outsider)).post(
        "/contacts", {"name": "x", "email": "x@x.test"}
    )

    assert response.status_code == 403
    assert Contact.objects.count() == before
