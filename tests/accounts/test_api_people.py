"""users_get / users_update / users_deactivate / users_reactivate / users_invite, teams_get /
teams_update / teams_create: administrators manage people through the same services as the
Settings pages; everyone else gets 403 (or 404), and bad input is a translated 422."""

from __future__ import annotations

import pytest
from django.test import Client

from gongdan.accounts.models import Membership, Team, User
from gongdan.audit.models import AuditEvent
from gongdan.core.models import OutboxEvent
from gongdan.testing import PASSWORD, Api, World


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Team.objects.count(),
        AuditEvent.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_admin_gets_a_user_with_teams_and_last_sign_in(world: World, api: Api) -> None:
    response = api.as_(world.admin).get(f"/users/{world.agent.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["username"], [t["code"] for t in body["teams"]]) == ("agent", ["it"])
    assert "last_login" in body and body["is_active"] is True


def test_an_agent_sees_staff_but_not_customers(world: World, api: Api) -> None:
    staff = api.as_(world.agent).get(f"/users/{world.supervisor.pk}")
    customer = api.as_(world.agent).get(f"/users/{world.customer.pk}")

    assert (staff.status_code, customer.status_code) == (200, 404)


def test_admin_changes_role_and_teams_audited_and_announced(world: World, api: Api) -> None:
    response = api.as_(world.admin).patch(
        f"/users/{world.agent.pk}",
        {"role": "supervisor", "teams": [world.field_team.pk], "display_name": "王伟"},
    )

    assert response.status_code == 200
    world.agent.refresh_from_db()
    assert (world.agent.role, world.agent.display_name) == ("supervisor", "王伟")
    assert list(
        Membership.objects.filter(user=world.agent).values_list("team__code", flat=True)
    ) == ["field"]
    event = AuditEvent.objects.get(action="user.changed", object_id=str(world.agent.pk))
    assert event.data == {"fields": ["display_name", "role", "teams"], "role": "supervisor"}
    assert OutboxEvent.objects.filter(
        event_type="user.updated", payload={"user": world.agent.pk}
    ).exists()


def test_a_duplicate_email_is_a_translated_422_and_nothing_is_saved(world: World, api: Api) -> None:
    User.objects.filter(pk=world.admin.pk).update(language="zh-hans")
    admin = api.as_(world.admin)
    before = _counts()

    response = admin.patch(
        f"/users/{world.agent.pk}",
        {"email": world.supervisor.email.upper(), "display_name": "不应保存"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "user.email_taken"
    assert response.json()["message"] == "该邮箱已被其他用户使用。"
    assert "email" in response.json()["fields"]
    world.agent.refresh_from_db()
    assert world.agent.display_name != "不应保存"
    assert _counts() == before


def test_users_create_names_the_taken_email(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(
        "/users", {"username": "new", "role": "agent", "email": world.agent.email}
    )

    assert (response.status_code, response.json()["code"]) == (422, "user.email_taken")


def test_deactivating_stops_sign_in_and_api_tokens(world: World, api: Api) -> None:
    agent_api = api.as_(world.agent)
    assert agent_api.get("/me").status_code == 200
    session = world.client_for(world.agent)

    response = api.as_(world.admin).post(f"/users/{world.agent.pk}/deactivate")

    assert (response.status_code, response.json()["is_active"]) == (200, False)
    assert agent_api.get("/me").status_code == 401
    assert session.get("/desk/").status_code == 302  # the session no longer signs them in
    signed_in = Client().post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert signed_in.status_code == 200  # the form again: refused
    assert AuditEvent.objects.filter(action="user.deactivated").count() == 1
    assert OutboxEvent.objects.filter(event_type="user.deactivated").count() == 1

    again = api.as_(world.admin).post(f"/users/{world.agent.pk}/reactivate")
    assert (again.status_code, again.json()["is_active"]) == (200, True)
    assert agent_api.get("/me").status_code == 200


def test_an_admin_cannot_deactivate_themselves(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(f"/users/{world.admin.pk}/deactivate")

    assert (response.status_code, response.json()["code"]) == (409, "user.self_deactivate")
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_the_last_admin_keeps_the_role(world: World, api: Api) -> None:
    other = User.objects.create(username="admin2", role="admin", is_superuser=True, is_staff=True)

    refused = api.as_(world.admin).patch(f"/users/{world.admin.pk}", {"role": "agent"})
    demoted = api.as_(world.admin).patch(f"/users/{other.pk}", {"role": "agent"})

    assert (refused.status_code, refused.json()["code"]) == (422, "user.self_demote")
    assert demoted.status_code == 200
    other.refresh_from_db()
    assert (other.role, other.is_superuser) == ("agent", False)


def test_invite_by_api_makes_a_user_without_password(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(
        "/users/invite",
        {"email": "Li.Na@Gongdan.test", "role": "agent", "teams": [world.it_team.pk]},
    )

    assert response.status_code == 201
    user = User.objects.get(email="li.na@gongdan.test")
    assert (user.username, user.has_usable_password(), user.role) == (
        "li.na@gongdan.test",
        False,
        "agent",
    )
    assert AuditEvent.objects.filter(action="user.invited", object_id=str(user.pk)).exists()
    duplicate = api.as_(world.admin).post("/users/invite", {"email": user.email, "role": "agent"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "user.email_taken")


OUTSIDER_CALLS = [
    ("patch", "/users/{agent}", {"role": "admin"}),
    ("post", "/users/{agent}/deactivate", None),
    ("post", "/users/{agent}/reactivate", None),
    ("post", "/users/invite", {"email": "x@gongdan.test", "role": "admin"}),
    ("patch", "/teams/{team}", {"name": "劫持"}),
    ("post", "/teams", {"code": "x", "name": "x"}),
]


@pytest.mark.parametrize("persona", ["agent", "supervisor", "customer"])
@pytest.mark.parametrize(("method", "path", "body"), OUTSIDER_CALLS)
def test_only_admins_manage_people(
    world: World, api: Api, persona: str, method: str, path: str, body: dict | None
) -> None:
    caller = api.as_(getattr(world, persona))
    before = _counts()
    url = path.format(agent=world.other_agent.pk, team=world.field_team.pk)

    response = getattr(caller, method)(url, body)

    assert response.status_code == 403
    assert _counts() == before
    world.other_agent.refresh_from_db()
    assert (world.other_agent.role, world.other_agent.is_active) == ("agent", True)


def test_a_customer_cannot_read_staff_or_teams(world: World, api: Api) -> None:
    user = api.as_(world.customer).get(f"/users/{world.agent.pk}")
    team = api.as_(world.customer).get(f"/teams/{world.it_team.pk}")

    assert (user.status_code, team.status_code) == (404, 404)


def test_teams_get_lists_members(world: World, api: Api) -> None:
    response = api.as_(world.agent).get(f"/teams/{world.it_team.pk}")

    assert response.status_code == 200
    assert [m["username"] for m in response.json()["members"]] == ["agent"]


def test_admin_updates_a_team_members_lead_and_group(world: World, api: Api) -> None:
    response = api.as_(world.admin).patch(
        f"/teams/{world.it_team.pk}",
        {
            "group": "华东",
            "kind": "region",
            "lead": world.supervisor.pk,
            "members": [world.other_agent.pk],
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["group"], body["kind"], body["lead"]["username"]) == (
        "华东",
        "region",
        "supervisor",
    )
    assert sorted(m["username"] for m in body["members"]) == ["other_agent", "supervisor"]
    event = AuditEvent.objects.get(action="team.changed")
    assert event.data == {"fields": ["kind", "group", "lead", "members"]}


def test_a_duplicate_team_name_or_code_is_a_422(world: World, api: Api) -> None:
    admin = api.as_(world.admin)
    before = _counts()

    renamed = admin.patch(
        f"/teams/{world.it_team.pk}", {"name": world.field_team.name.upper(), "group": "x"}
    )
    code = api.as_(world.admin).post("/teams", {"code": "IT", "name": "新团队"})
    name = api.as_(world.admin).post("/teams", {"code": "new", "name": world.it_team.name})

    assert (renamed.status_code, renamed.json()["code"]) == (422, "team.name_taken")
    assert (code.status_code, code.json()["code"]) == (422, "team.code_taken")
    assert (name.status_code, name.json()["code"]) == (422, "team.name_taken")
    assert _counts() == before
    world.it_team.refresh_from_db()
    assert world.it_team.group == ""


def test_deactivated_teams_are_for_admins_only(world: World, api: Api) -> None:
    api.as_(world.admin).patch(f"/teams/{world.field_team.pk}", {"is_active": False})

    admin = api.as_(world.admin).get(f"/teams/{world.field_team.pk}")
    agent = api.as_(world.agent).get(f"/teams/{world.field_team.pk}")

    assert (admin.status_code, admin.json()["is_active"], agent.status_code) == (200, False, 404)
