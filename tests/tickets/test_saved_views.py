"""Personal saved views: create from the current filters, list in the sidebar, delete."""

from __future__ import annotations

from django.test import Client

from gongdan.testing import World
from gongdan.tickets.models import SavedView

HTMX = {"HX-Request": "true", "HX-Target": "saved-views"}


def test_save_the_current_filters(world: World) -> None:
    response = world.client_for(world.agent).post(
        "/desk/views/", {"name": "紧急的 urgent", "query": "view=all&priority=urgent&cursor=abc"}
    )

    view = SavedView.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/desk/tickets/?view=all&priority=urgent&saved={view.pk}",
    )
    assert list(SavedView.objects.values_list("user", "name", "query")) == [
        (world.agent.pk, "紧急的 urgent", "view=all&priority=urgent")
    ]


def test_htmx_save_returns_the_sidebar_and_the_list_shows_it(world: World) -> None:
    client = world.client_for(world.agent)

    response = client.post("/desk/views/", {"name": "mine", "query": "view=mine"}, headers=HTMX)
    page = client.get("/desk/tickets/").content.decode()

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="saved-views"')
    view = SavedView.objects.get()
    assert f'<a href="/desk/tickets/?view=mine&amp;saved={view.pk}">mine</a>' in page


def test_duplicate_name_is_a_form_error(world: World) -> None:
    SavedView.objects.create(user=world.agent, name="mine", query="view=mine")

    response = world.client_for(world.agent).post(
        "/desk/views/", {"name": "mine", "query": "view=all"}, headers=HTMX
    )

    assert response.status_code == 422
    assert "You already have a view with this name." in response.content.decode()
    assert SavedView.objects.count() == 1


def test_delete_my_view(world: World) -> None:
    view = SavedView.objects.create(user=world.agent, name="mine", query="view=mine")

    response = world.client_for(world.agent).post(f"/desk/views/{view.pk}/delete/", headers=HTMX)

    assert response.status_code == 200
    assert SavedView.objects.count() == 0


def test_someone_elses_view_is_404_and_stays(world: World) -> None:
    view = SavedView.objects.create(user=world.agent, name="mine", query="view=mine")

    response = world.client_for(world.other_agent).post(f"/desk/views/{view.pk}/delete/")
    page = world.client_for(world.other_agent).get("/desk/tickets/").content.decode()

    assert response.status_code == 404
    assert SavedView.objects.count() == 1
    assert ">mine</a>" not in page


def test_customer_and_anonymous_cannot_save_views(world: World) -> None:
    customer = world.client_for(world.customer).post("/desk/views/", {"name": "x", "query": ""})
    anonymous = Client().post("/desk/views/", {"name": "x", "query": ""})

    assert (customer.status_code, anonymous.status_code) == (403, 302)
    assert SavedView.objects.count() == 0
