"""Settings → Users, Teams and Desk: administrators invite (a real mail with the set-password
link), edit, deactivate and reset; everyone else gets 403; bad input is a translated form error
and nothing is saved; the lists cost a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.models import ApiToken, DeskSettings, Membership, Team, User
from gongdan.accounts.services import token_create, user_create
from gongdan.audit.models import AuditEvent
from gongdan.core.settings_menu import visible_settings_pages
from gongdan.testing import World
from tests.channels.email.conftest import Smtp, smtp  # noqa: F401  (the fixture)

NEW_PASSWORD = "Desk-invite-2026!"

PAGES = [
    ("get", "/desk/settings/users/"),
    ("get", "/desk/settings/users/invite/"),
    ("get", "/desk/settings/users/{agent}/"),
    ("post", "/desk/settings/users/{agent}/"),
    ("post", "/desk/settings/users/{agent}/deactivate/"),
    ("post", "/desk/settings/users/{agent}/password-link/"),
    ("get", "/desk/settings/teams/"),
    ("get", "/desk/settings/teams/new/"),
    ("post", "/desk/settings/teams/new/"),
    ("get", "/desk/settings/teams/{team}/"),
    ("post", "/desk/settings/teams/{team}/active/"),
    ("get", "/desk/settings/desk/"),
    ("post", "/desk/settings/desk/"),
]


@pytest.mark.parametrize("persona", ["supervisor", "agent", "customer"])
@pytest.mark.parametrize(("method", "path"), PAGES)
def test_only_admins_open_people_settings(
    world: World, persona: str, method: str, path: str
) -> None:
    url = path.format(agent=world.other_agent.pk, team=world.field_team.pk)
    audits = AuditEvent.objects.count()

    response = getattr(world.client_for(getattr(world, persona)), method)(
        url, {"role": "admin", "name": "劫持", "code": "x", "kind": "function", "active": "0"}
    )

    assert response.status_code == 403
    assert AuditEvent.objects.count() == audits
    world.other_agent.refresh_from_db()
    world.field_team.refresh_from_db()
    assert (world.other_agent.role, world.other_agent.is_active) == ("agent", True)
    assert world.field_team.is_active


def test_anonymous_visitors_sign_in_first() -> None:
    response = Client().get("/desk/settings/users/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_settings_menu_shows_people_pages_to_admins_only(world: World) -> None:
    def keys(user: User) -> set[str]:
        return {row["page"].key for g in visible_settings_pages(user) for row in g["pages"]}

    assert {"users", "teams", "desk", "customers"} <= keys(world.admin)
    assert "users" not in keys(world.supervisor) and "customers" in keys(world.agent)


def test_the_user_list_filters_and_costs_fixed_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    for i in range(12):
        user_create(
            actor=None, username=f"bulk{i}", role="agent", teams=[world.it_team, world.field_team]
        )
    client = world.client_for(world.admin)
    client.get("/desk/settings/users/")  # session, caches

    # session + user, the page of users, their teams (prefetch), the filter's team choices,
    # the layout's calendar warning
    with django_assert_num_queries(6):
        page = client.get("/desk/settings/users/")
    found = client.get("/desk/settings/users/", {"q": "bulk1", "role": "agent"})
    inactive = client.get("/desk/settings/users/", {"active": "no"})

    assert page.status_code == 200 and page.content.decode().count('data-user="bulk') == 12
    assert found.content.decode().count('data-user="bulk1') == 3  # bulk1, bulk10, bulk11
    assert 'data-user="' not in inactive.content.decode()


def test_the_team_list_costs_fixed_queries(world: World, django_assert_num_queries: Any) -> None:
    for i in range(8):
        Team.objects.create(code=f"t{i}", name=f"团队 {i}", lead=world.agent, group="华东")
    client = world.client_for(world.admin)
    client.get("/desk/settings/teams/")

    # session + user, teams with lead and member count, the layout's calendar warning
    with django_assert_num_queries(4):
        page = client.get("/desk/settings/teams/")

    assert page.content.decode().count("data-team=") == 10


def _link(sink: Smtp, address: str) -> str:
    mails = [m for m in sink.to(address) if "/portal/password/reset/" in m.get_content()]
    assert len(mails) == 1
    found = re.search(r"https?://\S+/portal/password/reset/\S+/", mails[0].get_content())
    assert found is not None
    return found.group(0).split("://", 1)[1].split("/", 1)[1]


def test_an_invited_user_sets_a_password_by_mail_and_signs_in(
    world: World,
    smtp: Smtp,  # noqa: F811
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.GONGDAN_EMAIL_ENABLED = True
    client = world.client_for(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/desk/settings/users/invite/",
            {
                "email": "Zhao.Lei@Gongdan.test",
                "display_name": "赵磊",
                "role": "agent",
                "teams": [world.it_team.pk],
            },
        )

    user = User.objects.get(email="zhao.lei@gongdan.test")
    assert (
        response.status_code == 302 and response["Location"] == f"/desk/settings/users/{user.pk}/"
    )
    assert not user.has_usable_password() and user.teams.get() == world.it_team
    link = _link(smtp, "zhao.lei@gongdan.test")
    invited = Client()
    opened = invited.get("/" + link, follow=True)
    saved = invited.post(
        opened.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    signed_in = Client().post(
        "/accounts/login/", {"username": "zhao.lei@gongdan.test", "password": NEW_PASSWORD}
    )
    assert saved.status_code == 302
    assert signed_in.status_code == 302  # into the workspace


def test_an_admin_sends_a_password_reset_link(
    world: World,
    smtp: Smtp,  # noqa: F811
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.GONGDAN_EMAIL_ENABLED = True

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.admin).post(
            f"/desk/settings/users/{world.agent.pk}/password-link/"
        )

    assert response.status_code == 302
    assert _link(smtp, world.agent.email)
    assert AuditEvent.objects.filter(
        action="user.password_link_sent", object_id=str(world.agent.pk)
    ).exists()


def test_inviting_a_taken_address_is_a_translated_form_error(world: World) -> None:
    client = world.client_for(world.admin)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    users = User.objects.count()

    response = client.post(
        "/desk/settings/users/invite/",
        {"email": world.agent.email.upper(), "role": "agent"},
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 422
    assert "该邮箱已被其他用户使用。" in response.content.decode()
    assert User.objects.count() == users


def test_editing_a_user_with_a_taken_mobile_saves_nothing(world: World) -> None:
    User.objects.filter(pk=world.supervisor.pk).update(mobile="13800000001")

    response = world.client_for(world.admin).post(
        f"/desk/settings/users/{world.agent.pk}/",
        {
            "display_name": "新名字",
            "email": world.agent.email,
            "mobile": "13800000001",
            "role": "admin",
        },
    )

    assert response.status_code == 422
    world.agent.refresh_from_db()
    assert (world.agent.display_name, world.agent.role, world.agent.mobile) == (
        "agent",
        "agent",
        "",
    )


def test_an_admin_edits_role_and_teams(world: World) -> None:
    response = world.client_for(world.admin).post(
        f"/desk/settings/users/{world.agent.pk}/",
        {
            "display_name": "王伟",
            "email": world.agent.email,
            "mobile": "",
            "role": "supervisor",
            "language": "zh-hans",
            "teams": [world.it_team.pk, world.field_team.pk],
        },
    )

    assert response.status_code == 302
    world.agent.refresh_from_db()
    assert (world.agent.role, world.agent.language) == ("supervisor", "zh-hans")
    assert Membership.objects.filter(user=world.agent).count() == 2


def test_deactivating_on_the_page_shows_the_state_and_revokes_nothing_else(world: World) -> None:
    token = token_create(user=world.agent, name="脚本")[0]
    client = world.client_for(world.admin)

    client.post(f"/desk/settings/users/{world.agent.pk}/deactivate/")
    page = client.get(f"/desk/settings/users/{world.agent.pk}/")
    revoked = client.post(f"/desk/settings/users/{world.agent.pk}/tokens/{token.prefix}/revoke/")

    assert 'data-testid="deactivated"' in page.content.decode()
    assert token.prefix in page.content.decode()
    assert revoked.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_the_user_page_costs_fixed_queries(world: World, django_assert_num_queries: Any) -> None:
    for i in range(5):
        token_create(user=world.agent, name=f"t{i}")
    client = world.client_for(world.admin)
    client.get(f"/desk/settings/users/{world.agent.pk}/")

    # session + user, the user, the initial teams, the tokens, the team choices, the layout
    with django_assert_num_queries(7):
        client.get(f"/desk/settings/users/{world.agent.pk}/")


def test_an_admin_creates_and_edits_a_team(world: World) -> None:
    client = world.client_for(world.admin)

    created = client.post(
        "/desk/settings/teams/new/",
        {
            "code": "east",
            "name": "华东服务台",
            "kind": "region",
            "group": "华东",
            "lead": world.supervisor.pk,
            "members": [world.agent.pk],
        },
    )
    team = Team.objects.get(code="east")
    edited = client.post(
        f"/desk/settings/teams/{team.pk}/",
        {"code": "ignored", "name": "华东一区", "kind": "region", "group": "华东", "lead": ""},
    )

    assert created.status_code == 302 and edited.status_code == 302
    team.refresh_from_db()
    assert (team.code, team.name, team.lead_id, team.group) == ("east", "华东一区", None, "华东")
    assert set(team.members.all()) == set()  # no members checked: all removed


def test_a_duplicate_team_code_is_a_form_error(world: World) -> None:
    teams = Team.objects.count()

    response = world.client_for(world.admin).post(
        "/desk/settings/teams/new/", {"code": "it", "name": "另一个", "kind": "function"}
    )

    assert response.status_code == 422
    assert "A team with this code already exists." in response.content.decode()
    assert Team.objects.count() == teams


def test_desk_name_and_logo(world: World) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client = world.client_for(world.admin)

    from django.core.files.uploadedfile import SimpleUploadedFile

    saved = client.post(
        "/desk/settings/desk/",
        {"name": "华信服务台", "logo": SimpleUploadedFile("logo.png", png, "image/png")},
    )
    row = DeskSettings.objects.get(pk=1)
    logo = Client().get(f"/desk/logo/{row.logo_version}/")
    bad = client.post(
        "/desk/settings/desk/",
        {
            "name": "改名",
            "logo": SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
        },
    )

    assert saved.status_code == 302
    assert (row.name, row.logo_type) == ("华信服务台", "image/png")
    assert (logo.status_code, logo["Content-Type"], logo.content) == (200, "image/png", png)
    assert bad.status_code == 422
    assert DeskSettings.objects.get(pk=1).name == "华信服务台"  # nothing half-saved


def test_a_logo_too_large_is_refused(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (300 * 1024)

    response = world.client_for(world.admin).post(
        "/desk/settings/desk/", {"name": "", "logo": SimpleUploadedFile("big.png", big)}
    )

    assert response.status_code == 422
    assert not DeskSettings.objects.exclude(logo_type="").exists()


def test_the_desk_brand_context_processor(world: World) -> None:
    from gongdan.accounts.desk import desk_settings_update

    desk_settings_update(actor=world.admin, name="华信服务台")

    from django.test import RequestFactory

    from gongdan.accounts.context_processors import desk_brand

    brand = desk_brand(RequestFactory().get("/"))["desk_brand"]

    assert (brand.name, brand.logo_url, brand.welcome_pending) == ("华信服务台", "", False)


def test_a_password_link_needs_outgoing_mail(world: World, settings: Any) -> None:
    settings.GONGDAN_EMAIL_ENABLED = False

    response = world.client_for(world.admin).post(
        f"/desk/settings/users/{world.agent.pk}/password-link/", follow=True
    )

    assert "Outgoing mail is switched off" in response.content.decode()
    assert not AuditEvent.objects.filter(action="user.password_link_sent").exists()
