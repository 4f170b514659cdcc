"""Small site-wide things a first visit notices (defect 18): the favicon, the empty choice of a
select in Chinese, where a customer who opens the desk lands, the staff sign-in page's link to
password reset."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gongdan.testing import World


def test_favicon_ico_leads_to_our_own_icon(db: None) -> None:
    response = Client().get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/gongdan/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    icon = finders.find("gongdan/favicon.ico")
    assert icon is not None
    with open(icon, "rb") as f:
        assert f.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert finders.find("gongdan/favicon.svg") is not None


def test_every_page_links_the_icon(world: World) -> None:
    for client, url in [
        (Client(), reverse("accounts:login")),
        (world.client_for(world.customer), reverse("portal:home")),
        (world.client_for(world.agent), reverse("tickets:list")),
    ]:
        html = client.get(url, follow=True).content.decode()
        assert '<link rel="icon" href="/static/gongdan/favicon.svg" type="image/svg+xml">' in html


def test_the_empty_choice_of_a_select_is_chinese() -> None:
    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"


def test_a_customer_opening_the_desk_is_sent_to_the_portal(world: World) -> None:
    client = world.client_for(world.customer)

    desk = client.get("/desk/")
    staff = world.client_for(world.agent).get("/desk/")

    assert (desk.status_code, desk["Location"]) == (302, reverse("portal:home"))
    assert (staff.status_code, staff["Location"]) == (302, reverse("tickets:list"))


def test_a_customer_deeper_in_the_desk_gets_a_translated_page_not_a_bare_403(
    world: World,
) -> None:
    ticket = world.ticket()
    client = world.client_for(world.customer)

    response = client.post(
        reverse("tickets:reply", args=[ticket.number]),
        {"body": "x"},
        headers={"accept-language": "zh-hans"},
    )

    page = client.get(reverse("tickets:detail", args=[ticket.number]))

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert ticket.comments.count() == 0
    assert page.status_code == 403
    assert f'href="{reverse("accounts:home")}"' in page.content.decode()


def test_the_staff_sign_in_page_links_to_password_reset(db: None) -> None:
    html = Client().get(reverse("accounts:login")).content.decode()

    assert f'href="{reverse("portal:password_reset")}"' in html
