"""/api/v1/tickets/{number}/comments, /attachments and /attachments/{id}."""

from __future__ import annotations

import pytest

from gongdan.testing import Api, World, state, upload
from gongdan.tickets import services
from gongdan.tickets.models import Attachment, Comment

# --- comments_list ------------------------------------------------------------------------------


def test_customer_never_sees_internal_notes(world: World, api: Api) -> None:
    ticket = world.ticket()
    services.comment_create(actor=world.agent, ticket=ticket, body="客户很急", is_internal=True)
    services.comment_create(actor=world.agent, ticket=ticket, body="正在处理")

    customer = api.as_(world.customer).get(f"/tickets/{ticket.number}/comments").json()
    staff = api.as_(world.agent).get(f"/tickets/{ticket.number}/comments").json()

    assert [(c["body"], c["internal"]) for c in customer["items"]] == [("正在处理", False)]
    assert [(c["body"], c["internal"]) for c in staff["items"]] == [
        ("客户很急", True),
        ("正在处理", False),
    ]
    assert staff["items"][1]["author"] == "agent"


def test_comments_page_with_cursors(world: World, api: Api) -> None:
    ticket = world.ticket()
    for i in range(3):
        services.comment_create(actor=world.agent, ticket=ticket, body=f"回复{i}")
    caller = api.as_(world.customer)

    first = caller.get(f"/tickets/{ticket.number}/comments?size=2").json()
    second = caller.get(
        f"/tickets/{ticket.number}/comments?size=2&cursor={first['next_cursor']}"
    ).json()

    assert [c["body"] for c in first["items"]] == ["回复0", "回复1"]
    assert [c["body"] for c in second["items"]] == ["回复2"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_comments_list_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()
    services.comment_create(actor=world.agent, ticket=ticket, body="secret")

    response = api.as_(getattr(world, outsider)).get(f"/tickets/{ticket.number}/comments")

    assert response.status_code == 404
    assert "secret" not in response.content.decode()


# --- comments_create ----------------------------------------------------------------------------


def test_customer_replies_and_html_is_kept_as_text(world: World, api: Api) -> None:
    ticket = world.ticket()
    body = "<script>alert(1)</script> 还是不行"

    response = api.as_(world.customer).post(f"/tickets/{ticket.number}/comments", {"body": body})

    assert response.status_code == 201
    assert response.json()["body"] == body
    assert response.json()["internal"] is False
    assert Comment.objects.get(ticket=ticket).body == body


def test_staff_writes_an_internal_note(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).post(
        f"/tickets/{ticket.number}/comments", {"body": "内部备注", "internal": True}
    )

    assert response.status_code == 201
    assert Comment.objects.get(ticket=ticket).is_internal is True


def test_customer_may_not_write_an_internal_note(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.customer).post(
        f"/tickets/{ticket.number}/comments", {"body": "sneaky", "internal": True}
    )

    assert response.status_code == 403
    assert state(ticket) == before


def test_empty_comment_is_422(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.customer).post(f"/tickets/{ticket.number}/comments", {"body": ""})

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body"]


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_comments_create_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(getattr(world, outsider)).post(
        f"/tickets/{ticket.number}/comments", {"body": "hi"}
    )

    assert response.status_code == 404
    assert state(ticket) == before


# --- attachments_upload -------------------------------------------------------------------------


def test_upload_stores_the_file(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.customer).upload(
        f"/tickets/{ticket.number}/attachments", upload("报告.pdf", b"%PDF-1.4 hello")
    )

    assert response.status_code == 201
    body = response.json()
    attachment = Attachment.objects.get(ticket=ticket)
    assert (body["name"], body["size"], body["internal"]) == ("报告.pdf", 14, False)
    assert body["download_url"] == f"/api/v1/attachments/{attachment.pk}"


def test_upload_of_an_oversize_file_is_413(world: World, api: Api, settings: object) -> None:
    settings.GONGDAN_ATTACHMENT_MAX_BYTES = 10  # type: ignore[attr-defined]
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.customer).upload(
        f"/tickets/{ticket.number}/attachments", upload("big.pdf", b"x" * 11)
    )

    assert response.status_code == 413
    assert response.json()["code"] == "attachment.too_large"
    assert state(ticket) == before


def test_upload_of_a_forbidden_type_is_422(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.customer).upload(
        f"/tickets/{ticket.number}/attachments", upload("run.exe", b"MZ")
    )

    assert response.status_code == 422
    assert response.json()["code"] == "attachment.forbidden_type"
    assert list(response.json()["fields"]) == ["file"]
    assert state(ticket) == before


def test_upload_without_a_file_is_422(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.customer).client.post(
        f"/api/v1/tickets/{ticket.number}/attachments",
        data={"internal": "false"},
        headers=api.as_(world.customer).headers,
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["file"]


def test_customer_may_not_upload_an_internal_file(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.customer).upload(
        f"/tickets/{ticket.number}/attachments", upload(), internal="true"
    )

    assert response.status_code == 403
    assert state(ticket) == before


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_upload_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(getattr(world, outsider)).upload(
        f"/tickets/{ticket.number}/attachments", upload()
    )

    assert response.status_code == 404
    assert state(ticket) == before


# --- attachments_download -----------------------------------------------------------------------


def test_download_streams_the_file_as_an_attachment(world: World, api: Api) -> None:
    ticket = world.ticket()
    attachment = services.attachment_add(
        actor=world.customer, ticket=ticket, upload=upload("报告.pdf", b"%PDF-1.4 hello")
    )

    response = api.as_(world.customer).get(f"/attachments/{attachment.pk}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 hello"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_customer_never_downloads_an_internal_file(world: World, api: Api) -> None:
    ticket = world.ticket()
    internal = services.attachment_add(
        actor=world.agent, ticket=ticket, upload=upload(), is_internal=True
    )

    customer = api.as_(world.customer).get(f"/attachments/{internal.pk}")
    staff = api.as_(world.agent).get(f"/attachments/{internal.pk}")

    assert customer.status_code == 404
    assert customer.json()["code"] == "attachment.not_found"
    assert staff.status_code == 200


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_download_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()
    attachment = services.attachment_add(actor=world.customer, ticket=ticket, upload=upload())

    response = api.as_(getattr(world, outsider)).get(f"/attachments/{attachment.pk}")

    assert response.status_code == 404
