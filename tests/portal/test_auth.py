"""Registering and signing in to the portal by email or mobile number."""

from django.urls import reverse

from gongdan.accounts.models import User
from gongdan.customers.models import Contact
from gongdan.testing import PASSWORD, World


def test_register_opens_no_account_before_the_address_is_confirmed(
    client, empty_db, settings
) -> None:
    settings.GONGDAN_EMAIL_ENABLED = True

    response = client.post(
        reverse("portal:register"),
        {"name": "王小明", "email": "Xiaoming@Example.COM", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("portal:register_sent")
    assert User.objects.count() == 0 and Contact.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_register_without_an_email_address_is_refused(client, empty_db, settings) -> None:
    settings.GONGDAN_EMAIL_ENABLED = True

    response = client.post(
        reverse("portal:register"), {"name": "A", "email": "", "password": PASSWORD}
    )

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["email"]
    assert User.objects.count() == 0


def test_register_with_a_weak_password_is_refused(client, empty_db, settings) -> None:
    settings.GONGDAN_EMAIL_ENABLED = True

    response = client.post(
        reverse("portal:register"),
        {"name": "A", "email": "a@example.com", "password": "12345678"},
    )

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["password"]
    assert User.objects.count() == 0


def test_login_by_email(client, world: World) -> None:
    response = client.post(
        reverse("portal:login"), {"username": "customer@customer.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("portal:tickets")
    assert int(client.session["_auth_user_id"]) == world.customer.pk


def test_login_by_mobile(client, world: World) -> None:
    User.objects.filter(pk=world.customer.pk).update(mobile="13700001234")

    response = client.post(
        reverse("portal:login"), {"username": "13700001234", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.customer.pk


def test_login_with_a_wrong_password_shows_an_error(client, world: World) -> None:
    response = client.post(
        reverse("portal:login"),
        {"username": "customer@customer.test", "password": "wrong-password"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address or mobile number and password do not match."
    ]
    assert "_auth_user_id" not in client.session


def test_login_follows_next(client, world: World) -> None:
    response = client.post(
        reverse("portal:login") + "?next=/portal/tickets/new/",
        {
            "username": "customer@customer.test",
            "password": PASSWORD,
            "next": "/portal/tickets/new/",
        },
    )

    assert response.url == "/portal/tickets/new/"


def test_staff_who_log_in_here_go_to_the_workspace(client, world: World) -> None:
    from gongdan.accounts.access import workspace_url

    response = client.post(
        reverse("portal:login"), {"username": "agent@gongdan.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == workspace_url()


def test_logout_is_post_only(client, world: World) -> None:
    client.force_login(world.customer)

    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))

    assert response.url == reverse("portal:home")
    assert "_auth_user_id" not in client.session


def test_home_is_public_and_offers_the_ways_in(client, db) -> None:
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    html = response.content.decode()
    for name in ["portal:new", "portal:lookup", "portal:login", "portal:register"]:
        assert f'href="{reverse(name)}"' in html
