"""/desk/attachments/<pk>/: the one download view for staff and customers, behind visibility."""

import pytest

from gongdan.testing import World, upload
from gongdan.tickets import services


@pytest.fixture
def files(world: World) -> tuple[int, int]:
    ticket = world.ticket(attachments=[upload("报告.pdf", b"%PDF-1.4 public")])
    note = services.comment_create(
        actor=world.agent,
        ticket=ticket,
        body="内部附件",
        is_internal=True,
        attachments=[upload("内部.txt", b"secret")],
    )
    return ticket.attachments.get(comment=None).pk, note.attachments.get().pk


def test_requester_downloads_a_public_file_as_an_attachment(world: World, files) -> None:  # type: ignore[no-untyped-def]
    public, _internal = files

    response = world.client_for(world.customer).get(f"/desk/attachments/{public}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 public"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_of_the_team_download_internal_files(world: World, files) -> None:  # type: ignore[no-untyped-def]
    _public, internal = files

    response = world.client_for(world.agent).get(f"/desk/attachments/{internal}/")

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["other_customer", "other_agent"])
def test_outsiders_get_404_for_every_file(world: World, files, who: str) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(getattr(world, who))

    assert [client.get(f"/desk/attachments/{pk}/").status_code for pk in files] == [404, 404]


def test_the_requester_never_gets_an_internal_file(world: World, files) -> None:  # type: ignore[no-untyped-def]
    _public, internal = files

    assert world.client_for(world.customer).get(f"/desk/attachments/{internal}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world: World, files) -> None:  # type: ignore[no-untyped-def]
    public, _internal = files

    from django.test import Client

    response = Client().get(f"/desk/attachments/{public}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
