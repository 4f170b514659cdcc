"""Sign-in (username, email or mobile), sign-out, the role-based home, profile and language."""

from __future__ import annotations

from django.test import Client

from gongdan.accounts.models import User
from gongdan.testing import PASSWORD, World


def test_home_sends_staff_to_the_workspace(world: World) -> None:
    response = world.client_for(world.agent).get("/")

    assert (response.status_code, response["Location"]) == (302, "/desk/tickets/")


def test_home_sends_customers_to_the_portal(world: World) -> None:
    response = world.client_for(world.customer).get("/")

    assert (response.status_code, response["Location"]) == (302, "/portal/")


def test_home_sends_anonymous_visitors_to_login() -> None:
    response = Client().get("/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")


def test_login_page_renders(db: None) -> None:
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert "Login name, email or mobile number" in response.content.decode()


def test_login_with_username_email_or_mobile(world: World) -> None:
    world.agent.mobile = "13900139000"
    world.agent.save()

    for login in ["agent", "AGENT@gongdan.test", "13900139000"]:
        client = Client()
        response = client.post("/accounts/login/", {"username": login, "password": PASSWORD})

        assert (response.status_code, response["Location"]) == (302, "/")
        assert client.session["_auth_user_id"] == str(world.agent.pk)


def test_login_follows_next(world: World) -> None:
    response = Client().post(
        "/accounts/login/?next=/desk/tickets/", {"username": "agent", "password": PASSWORD}
    )

    assert response["Location"] == "/desk/tickets/"


def test_wrong_password_is_refused(world: World) -> None:
    client = Client()

    response = client.post("/accounts/login/", {"username": "agent", "password": "wrong"})

    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(world: World) -> None:
    client = world.client_for(world.agent)

    refused = client.get("/accounts/logout/")
    response = client.post("/accounts/logout/")

    assert refused.status_code == 405
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_profile_updates_display_name_and_language(world: World) -> None:
    client = world.client_for(world.agent)

    page = client.get("/accounts/profile/")
    response = client.post("/accounts/profile/", {"display_name": "小王", "language": "en"})

    assert page.status_code == 200
    assert (response.status_code, response["Location"]) == (302, "/accounts/profile/")
    world.agent.refresh_from_db()
    assert (world.agent.display_name, world.agent.language) == ("小王", "en")


def test_profile_refuses_an_unknown_language(world: World) -> None:
    response = world.client_for(world.agent).post(
        "/accounts/profile/", {"display_name": "x", "language": "fr"}
    )

    assert response.status_code == 422
    world.agent.refresh_from_db()
    assert (world.agent.display_name, world.agent.language) == ("agent", "")


def test_profile_needs_login() -> None:
    response = Client().get("/accounts/profile/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/accounts/profile/",
    )


def test_language_switch_is_saved_on_the_profile(world: World) -> None:
    client = world.client_for(world.customer)

    response = client.post("/accounts/language/", {"language": "en", "next": "/desk/tickets/"})

    assert (response.status_code, response["Location"]) == (302, "/desk/tickets/")
    assert User.objects.get(pk=world.customer.pk).language == "en"
    assert response.cookies["django_language"].value == "en"


def test_language_switch_for_anonymous_sets_only_the_cookie(db: None) -> None:
    response = Client().post("/accounts/language/", {"language": "en", "next": "/"})

    assert response.cookies["django_language"].value == "en"


def test_language_switch_ignores_unknown_codes(world: World) -> None:
    world.client_for(world.agent).post("/accounts/language/", {"language": "xx", "next": "/"})

    world.agent.refresh_from_db()
    assert world.agent.language == ""


def test_saved_language_wins_over_the_browser(world: World) -> None:
    client = world.client_for(world.agent)
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})

    response = client.get("/desk/tickets/", headers={"Accept-Language": "en"})

    assert response.headers["Content-Language"] == "zh-hans"
